import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const redisUrl = process.env.REDIS_URL !== undefined && process.env.REDIS_URL !== '' ? process.env.REDIS_URL : 'redis://127.0.0.1:6379';
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/** A client that fails fast: one connection attempt, no offline queue, no reconnects. */
export function redisClient(url = redisUrl): Redis {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 3_000, retryStrategy: () => null });
  client.on('error', () => undefined);
  return client;
}

async function reachable(): Promise<boolean> {
  const client = redisClient();
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether the Redis tests run (mirrors requirePostgres in stores.ts). In CI they are mandatory:
 * a missing server fails the run. Elsewhere they are skipped with one loud line.
 */
export async function requireRedis(suite: string): Promise<boolean> {
  if (await reachable()) return true;
  if (inCi) throw new Error(`CI=true and Redis is not reachable at ${redisUrl}: "${suite}" cannot be skipped`);
  console.warn(`!!! SKIPPING "${suite}" on Redis: no server at ${redisUrl} (set REDIS_URL) !!!`);
  return false;
}

/** A key no other run (or process) uses, so runs sharing one Redis never count each other's requests. */
export function uniqueKey(label: string): string {
  return `${label}-${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
