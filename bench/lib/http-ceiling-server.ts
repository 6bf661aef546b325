/**
 * The HTTP ceiling of bench/http.ts: a plain Fastify server, in its own process, whose
 * POST /bet parses the JSON body (Fastify's default parser) and answers a constant JSON object
 * shaped like a provider bet reply. No logger, no signature check, no store: whatever rate the
 * same load generator reaches against it is what this machine's Node HTTP stack allows.
 *
 *   node --max-semi-space-size=32 --initial-old-space-size=1024 --import tsx bench/lib/http-ceiling-server.ts
 *
 * Prints {"t":"listening","url":"http://127.0.0.1:PORT"} on stdout once it listens; exits on SIGTERM.
 */
import Fastify from 'fastify';

const reply = { transaction_id: 'ceiling', balance: { cash: '1000', bonus: '0', total: '1000' }, currency: 'EUR', duplicate: false };

const app = Fastify({ logger: false, keepAliveTimeout: 65_000, bodyLimit: 16 * 1024 });
app.post('/bet', async () => reply);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ t: 'listening', url: address })}\n`);

process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
