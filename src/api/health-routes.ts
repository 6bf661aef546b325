import type { FastifyInstance } from 'fastify';
import type { Croupier } from '../croupier.js';

/** Liveness (`/health`: the process answers) and readiness (`/ready`: it can take commands). */
export function healthRoutes(app: FastifyInstance, croupier: Croupier): void {
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const storeUp = await croupier.ping();
    const ready = croupier.ready && storeUp;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', engine: croupier.ready, store: storeUp });
  });
}
