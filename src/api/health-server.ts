import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Croupier } from '../croupier.js';

/** Liveness (`/health`: the process answers) and readiness (`/ready`: it can take commands). */
export function healthRoutes(app: FastifyInstance, croupier: Croupier): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const storeUp = await croupier.ping();
    const ready = croupier.ready && storeUp;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', engine: croupier.ready, store: storeUp });
  });
}

export function buildServer(croupier: Croupier, logger?: Logger): FastifyInstance {
  const limits = { bodyLimit: 64 * 1024, requestTimeout: 10_000 };
  const app: FastifyInstance = Fastify({ ...limits, ...(logger === undefined ? {} : { loggerInstance: logger as FastifyBaseLogger }) });
  healthRoutes(app, croupier);
  return app;
}
