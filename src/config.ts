import type { FundsOrder } from './core/funds-order.js';
import type { CroupierOptions } from './croupier.js';
import { busConfigFromEnvironment, type BusConfig } from './bus/bus-config.js';
import { moneyLimitsFromEnvironment } from './money-limits-config.js';
import type { RateLimitSettings } from './api/rate-limits.js';
import { betStreamConfigFromEnvironment, type BetStreamConfig } from './stream/stream-config.js';

export interface ServiceConfig {
  readonly port: number;
  /** HOST; unset, the service picks by its keys (see listenHost in src/service.ts). */
  readonly host: string | undefined;
  readonly croupier: CroupierOptions;
  /** CROUPIER_PROVIDERS: comma list of id:secret. */
  readonly providers: string | undefined;
  /** CROUPIER_OPERATOR_KEYS: comma list of bearer keys. */
  readonly operatorKeys: string | undefined;
  /** CROUPIER_PLAYER_TOKEN_SECRET: signs the WebSocket's player tokens; the same on every node. */
  readonly playerTokenSecret?: string | undefined;
  readonly nodeEnv: string | undefined;
  readonly rateLimits: RateLimitSettings;
  readonly logLevel: string;
  /** NATS_URL and the bus settings; absent, the in-process bus with the defaults. */
  readonly bus?: BusConfig | undefined;
  /** The bet stream: commands from game servers over NATS JetStream, when NATS_URL is set. */
  readonly betStream?: BetStreamConfig | undefined;
}

/** Reads the service's configuration from the environment; every variable has a default. */
export function configFromEnvironment(env: NodeJS.ProcessEnv): ServiceConfig {
  return {
    port: integer(env, 'PORT', 8080),
    host: env.HOST === undefined || env.HOST === '' ? undefined : env.HOST,
    providers: env.CROUPIER_PROVIDERS,
    operatorKeys: env.CROUPIER_OPERATOR_KEYS,
    playerTokenSecret: env.CROUPIER_PLAYER_TOKEN_SECRET,
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL ?? 'info',
    bus: busConfigFromEnvironment(env),
    betStream: betStreamConfigFromEnvironment(env),
    rateLimits: {
      providerPerSecond: integer(env, 'CROUPIER_RATE_LIMIT_PROVIDER', 5_000),
      operatorPerSecond: integer(env, 'CROUPIER_RATE_LIMIT_OPERATOR', 500),
      redisUrl: env.REDIS_URL,
    },
    croupier: {
      databaseUrl: env.DATABASE_URL,
      schema: env.CROUPIER_DB_SCHEMA === undefined || env.CROUPIER_DB_SCHEMA === '' ? undefined : env.CROUPIER_DB_SCHEMA,
      dataDir: env.CROUPIER_DATA_DIR ?? './data',
      poolSize: integer(env, 'CROUPIER_POOL_SIZE', 16),
      // Unset variables stay undefined: the engine picks its defaults for the store in use.
      engine: {
        partitionCount: optionalInteger(env, 'CROUPIER_PARTITIONS'),
        batchSizeMax: optionalInteger(env, 'CROUPIER_BATCH_SIZE_MAX'),
        batchDelayMs: optionalInteger(env, 'CROUPIER_BATCH_DELAY_MS'),
        queueLengthMax: optionalInteger(env, 'CROUPIER_QUEUE_LENGTH_MAX'),
        historyCachedMax: optionalInteger(env, 'CROUPIER_HISTORY_CACHED_MAX'),
        fundsOrder: fundsOrder(env.CROUPIER_FUNDS_ORDER),
        moneyLimits: moneyLimitsFromEnvironment(env),
      },
    },
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return optionalInteger(env, name) ?? fallback;
}

function optionalInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${text}"`);
  return value;
}

function fundsOrder(text: string | undefined): FundsOrder {
  if (text === undefined || text === '' || text === 'bonus_first') return 'bonus_first';
  if (text === 'cash_first') return 'cash_first';
  throw new Error(`CROUPIER_FUNDS_ORDER must be bonus_first or cash_first, got "${text}"`);
}
