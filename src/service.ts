import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from './api/app.js';
import { operatorKeysFromEnvironment } from './api/operator/operator-keys.js';
import { ProviderRegistry, providersFromEnvironment } from './api/provider/provider-registry.js';
import { RateLimits } from './api/rate-limits.js';
import type { ServiceConfig } from './config.js';
import { createCroupier, type Croupier } from './croupier.js';

export interface Service {
  readonly app: FastifyInstance;
  readonly croupier: Croupier;
  /** The operator key generated for this run when none was configured (development only). */
  readonly generatedOperatorKey: string | null;
  /** Stops taking requests, drains the engine, closes the store. */
  stop(): Promise<void>;
}

const providerRefreshMs = 5_000;

/** Wires the whole service: engine and store, provider registry, rate limits, HTTP app. */
export async function startService(config: ServiceConfig, logger: Logger = createLogger(config.logLevel)): Promise<Service> {
  const keys = operatorKeysFromEnvironment(config.operatorKeys, config.nodeEnv);
  const fromEnvironment = providersFromEnvironment(config.providers);
  const croupier = await createCroupier({
    ...config.croupier,
    subscribers: [{ name: 'failure-log', failed: ({ partition, commandCount, error }) => logger.error({ partition, commands: commandCount, err: error }, 'batch not committed') }],
  });
  const providers = new ProviderRegistry(fromEnvironment, croupier.providers);
  await providers.start(providerRefreshMs);
  const rateLimits = RateLimits.create(config.rateLimits);
  const app = await buildApp({ croupier, providers, rateLimits, operatorKeys: keys.keys, logger });
  await app.listen({ port: config.port, host: config.host });
  if (keys.generated !== null) {
    logger.warn(
      { operatorKey: keys.generated },
      'CROUPIER_OPERATOR_KEYS is not set: generated this development operator key for this run only. Set CROUPIER_OPERATOR_KEYS before production.',
    );
  }
  logger.info({ store: croupier.store, partitions: croupier.settings.partitionCount, providers: providers.list().length }, 'croupier started');
  let stopping: Promise<void> | null = null;
  return {
    app,
    croupier,
    generatedOperatorKey: keys.generated,
    stop() {
      stopping ??= (async () => {
        await app.close();
        providers.stop();
        await croupier.close();
        await rateLimits.close();
      })();
      return stopping;
    },
  };
}

/** Never in logs: operator keys, provider signatures, and provider secrets in registration bodies. */
export const redactedPaths = ['req.headers.authorization', 'req.headers["x-signature"]', 'secret', '*.secret'];

/**
 * JSON lines on stdout, buffered: at info level there is a line per request, and one write(2)
 * per line was the largest syscall cost after the responses themselves. Lines go out once 4 KiB
 * have gathered or every 250 ms, whichever comes first, and pino flushes the rest when the
 * process exits; a SIGKILL can lose the last quarter second of log lines, never a ledger entry.
 */
export function createLogger(level: string, fd = 1): Logger {
  return pino({ name: 'croupier', level, redact: redactedPaths }, pino.destination({ dest: fd, sync: false, minLength: 4096, periodicFlush: logFlushMs }));
}

const logFlushMs = 250;
