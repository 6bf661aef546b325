import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export type Caller = 'provider' | 'operator';

export interface RateLimitSettings {
  /** Requests per second per provider. */
  readonly providerPerSecond: number;
  /** Requests per second per operator key. */
  readonly operatorPerSecond: number;
  /** Shared counters across nodes; without it each node counts in memory. */
  readonly redisUrl?: string | undefined;
}

export interface Limited {
  readonly retryAfterSeconds: number;
}

/**
 * Per-caller rate limits (rate-limiter-flexible). With Redis the limit is shared by all nodes;
 * if Redis is unreachable the in-memory limiter takes over (its insurance), so a Redis outage
 * never blocks money traffic.
 */
export class RateLimits {
  private constructor(
    private readonly limiters: Record<Caller, RateLimiterAbstract>,
    private readonly redis: Redis | null,
  ) {}

  static create(settings: RateLimitSettings): RateLimits {
    const memory = (points: number) => new RateLimiterMemory({ points, duration: 1 });
    if (settings.redisUrl === undefined || settings.redisUrl === '') {
      return new RateLimits({ provider: memory(settings.providerPerSecond), operator: memory(settings.operatorPerSecond) }, null);
    }
    // Fail fast while Redis is down: no offline queue, few retries, so the insurance limiter answers at once.
    const redis = new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    redis.on('error', () => undefined);
    const shared = (keyPrefix: string, points: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: 1, rejectIfRedisNotReady: true, insuranceLimiter: memory(points) });
    return new RateLimits({ provider: shared('croupier:rl:provider', settings.providerPerSecond), operator: shared('croupier:rl:operator', settings.operatorPerSecond) }, redis);
  }

  /** Counts one request; null when allowed, otherwise how long to wait. */
  async consume(caller: Caller, key: string): Promise<Limited | null> {
    try {
      await this.limiters[caller].consume(key, 1);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      // Neither Redis nor the insurance limiter answered: let the request through rather than fail money traffic.
      return null;
    }
  }

  async close(): Promise<void> {
    if (this.redis !== null) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
