import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp, type AppOptions } from '../../src/api/app.js';
import { ProviderRegistry, providersFromEnvironment } from '../../src/api/provider/provider-registry.js';
import { RateLimits } from '../../src/api/rate-limits.js';
import { createCroupier, type Croupier } from '../../src/croupier.js';

/** An operator key for the HTTP suites (at least 16 characters, as CROUPIER_OPERATOR_KEYS requires). */
export const testOperatorKey = 'test-operator-key-0123456789';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly croupier: Croupier;
  readonly providers: ProviderRegistry;
  readonly rateLimits: RateLimits;
  /** `http://127.0.0.1:<port>` when started with `listen`, else null (use app.inject). */
  readonly baseUrl: string | null;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** CROUPIER_PROVIDERS-style `id:secret` list. */
  readonly providers?: string;
  readonly providerPerSecond?: number;
  readonly operatorPerSecond?: number;
  readonly operatorKeys?: readonly string[];
  readonly nowSeconds?: () => number;
  readonly logger?: Logger;
  /** Listen on a free port of 127.0.0.1 (for fetch); otherwise only app.inject works. */
  readonly listen?: boolean;
  /** Player tokens and push limits for GET /v1/stream. */
  readonly push?: AppOptions['push'];
  /** Reuse this croupier instead of creating one (it is then not closed by close()). */
  readonly croupier?: Croupier;
}

/** The HTTP app the way startService wires it, on an in-memory PGlite croupier. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const owned = options.croupier === undefined;
  const croupier = options.croupier ?? (await createCroupier({ dataDir: null }));
  const providers = new ProviderRegistry(providersFromEnvironment(options.providers), croupier.providers);
  await providers.start(60_000);
  const rateLimits = RateLimits.create({ providerPerSecond: options.providerPerSecond ?? 100_000, operatorPerSecond: options.operatorPerSecond ?? 100_000 });
  const app = await buildApp({
    croupier,
    providers,
    rateLimits,
    operatorKeys: options.operatorKeys ?? [testOperatorKey],
    logger: options.logger,
    nowSeconds: options.nowSeconds,
    push: options.push,
  });
  let baseUrl: string | null = null;
  if (options.listen === true) baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  else await app.ready();
  return {
    app,
    croupier,
    providers,
    rateLimits,
    baseUrl,
    async close() {
      await app.close();
      providers.stop();
      await rateLimits.close();
      if (owned) await croupier.close();
    },
  };
}

/** A pino logger that writes into memory, to read what the service logged. */
export function capturedLogger(level = 'trace', redact: string[] = []): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { logger: pino({ level, redact }, sink), text: () => chunks.join('') };
}
