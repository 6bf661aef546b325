import type { FastifyInstance } from 'fastify';
import type { BusReadiness } from '../bus/event-publishing.js';
import type { Croupier } from '../croupier.js';

/**
 * Liveness (`/health`: the process answers) and readiness (`/ready`: it can take commands). The
 * status follows the engine and the store alone: with the bus down the wallet still takes
 * commands and its events wait, so `bus` says what is degraded without making the node unready.
 */
export function healthRoutes(app: FastifyInstance, croupier: Croupier, bus?: () => BusReadiness): void {
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const storeUp = await croupier.ping();
    const ready = croupier.ready && storeUp;
    const busFields = bus === undefined ? {} : { bus: bus() };
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', engine: croupier.ready, store: storeUp, ...busFields });
  });
}
