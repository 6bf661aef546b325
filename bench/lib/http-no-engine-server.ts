/**
 * The `http` phase of bench/http.ts: Croupier's own HTTP app (signature check, rate limits,
 * schema validation, access log, serialisation), wired as the service wires it, over an engine
 * that answers every command at once without a store. What this reaches against the same load
 * is the HTTP layer's share; the gap to http.bet.postgres is the engine's and PostgreSQL's.
 *
 *   BENCH_PROVIDER=id:secret LOG_LEVEL=info node --max-semi-space-size=32 --initial-old-space-size=1024 --import tsx bench/lib/http-no-engine-server.ts
 *
 * Prints {"t":"listening","url":"http://127.0.0.1:PORT"} on stdout once it listens (log lines go
 * to stderr); exits on SIGTERM.
 */
import { buildApp } from '../../src/api/app.js';
import { ProviderRegistry, providersFromEnvironment } from '../../src/api/provider/provider-registry.js';
import { RateLimits } from '../../src/api/rate-limits.js';
import type { CommandInput } from '../../src/core/commands.js';
import type { Accepted } from '../../src/core/outcome.js';
import type { Croupier } from '../../src/croupier.js';
import { createLogger } from '../../src/service.js';
import type { ProviderStorage } from '../../src/ports/provider-storage.js';

const answer = (input: CommandInput): Promise<Accepted> =>
  Promise.resolve({
    ok: true,
    playerId: String(input.playerId),
    currency: 'EUR',
    transactionId: 'transactionId' in input ? String(input.transactionId) : null,
    duplicate: false,
    balance: { cash: 1_000_000n, bonus: 0n },
    status: 'active',
    activeBonus: null,
  });

// Only execute is reached by provider calls; the rest of Croupier is not needed here.
const croupier = { execute: answer, ready: true } as unknown as Croupier;
const noStoredProviders: ProviderStorage = {
  all: () => Promise.resolve([]),
  create: () => Promise.resolve(null),
  update: () => Promise.resolve(undefined),
  rotateSecret: () => Promise.resolve(undefined),
};
const providers = new ProviderRegistry(providersFromEnvironment(process.env.BENCH_PROVIDER), noStoredProviders);
await providers.start(3_600_000);
const rateLimits = RateLimits.create({ providerPerSecond: 1_000_000_000, operatorPerSecond: 1_000_000_000 });
// The service's own logger, on stderr: stdout carries the listening line.
const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 2);
const app = await buildApp({ croupier, providers, rateLimits, operatorKeys: ['bench-no-engine-operator-key'], logger });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ t: 'listening', url })}\n`);

process.on('SIGTERM', () => {
  providers.stop();
  void app.close().then(() => process.exit(0));
});
