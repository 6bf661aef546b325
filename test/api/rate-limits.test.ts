// Goal: per-caller rate limits hold in memory, are shared by every node through Redis, and keep
// limiting (without throwing) when Redis is down. Method: call RateLimits.consume directly: one
// instance in memory; two instances ("two nodes") on the same Redis, checked against the keys
// Redis holds; one instance pointed at a closed port. Keys are unique per run, so runs sharing a
// Redis never see each other's counts. Redis is mandatory under CI=true (see requireRedis).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RateLimits, type Caller } from '../../src/api/rate-limits.js';
import { redisClient, redisUrl, requireRedis, uniqueKey } from '../support/http-redis.js';

const redisUp = await requireRedis('rate limits shared through Redis');

const opened: RateLimits[] = [];
function limits(providerPerSecond: number, operatorPerSecond: number, url?: string): RateLimits {
  const created = RateLimits.create({ providerPerSecond, operatorPerSecond, redisUrl: url });
  opened.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((created) => created.close()));
});

async function consumeTimes(rateLimits: RateLimits, caller: Caller, key: string, times: number) {
  const answers = [];
  for (let index = 0; index < times; index += 1) answers.push(await rateLimits.consume(caller, key));
  return answers;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limits in memory', () => {
  it('allows N calls within a second and limits the N+1-th, with a retry delay of at least 1 s', async () => {
    const rateLimits = limits(3, 2);
    const key = uniqueKey('mem');
    expect(await consumeTimes(rateLimits, 'provider', key, 3)).toEqual([null, null, null]);
    const limited = await rateLimits.consume('provider', key);
    expect(limited).not.toBeNull();
    expect(limited?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(limited?.retryAfterSeconds)).toBe(true);
  });

  it('counts each caller and each key on its own', async () => {
    const rateLimits = limits(2, 1);
    const key = uniqueKey('mem');
    expect(await consumeTimes(rateLimits, 'provider', key, 2)).toEqual([null, null]);
    expect(await rateLimits.consume('provider', key)).not.toBeNull();
    expect(await rateLimits.consume('provider', `${key}-other`)).toBeNull();
    expect(await rateLimits.consume('operator', key)).toBeNull();
    expect(await rateLimits.consume('operator', key)).not.toBeNull();
  });

  it('allows calls again once the second has passed', async () => {
    const rateLimits = limits(1, 1);
    const key = uniqueKey('mem');
    expect(await rateLimits.consume('provider', key)).toBeNull();
    expect(await rateLimits.consume('provider', key)).not.toBeNull();
    await sleep(1_100);
    expect(await rateLimits.consume('provider', key)).toBeNull();
  });
});

describe.runIf(redisUp)(`rate limits shared through Redis (${redisUrl})`, () => {
  const inspector = redisClient();
  beforeAll(() => inspector.connect());
  afterAll(() => inspector.disconnect());

  /**
   * RateLimits uses its in-memory insurance until its Redis connection is ready. Waits until a
   * probe key's count shows up in Redis, i.e. this instance really counts there.
   */
  async function untilCountingInRedis(rateLimits: RateLimits): Promise<void> {
    const probe = uniqueKey('probe');
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      await rateLimits.consume('operator', probe);
      if ((await inspector.exists(`croupier:rl:operator:${probe}`)) === 1) return;
      await sleep(20);
    }
    throw new Error('RateLimits never counted in Redis');
  }

  it('two nodes share one count per provider', async () => {
    const nodeA = limits(4, 1_000, redisUrl);
    const nodeB = limits(4, 1_000, redisUrl);
    await Promise.all([untilCountingInRedis(nodeA), untilCountingInRedis(nodeB)]);
    const key = uniqueKey('shared');
    expect(await consumeTimes(nodeA, 'provider', key, 2)).toEqual([null, null]);
    expect(await consumeTimes(nodeB, 'provider', key, 2)).toEqual([null, null]);
    // Each node alone has seen only 2 of its 4 requests: only a shared count limits now.
    const limitedOnA = await nodeA.consume('provider', key);
    const limitedOnB = await nodeB.consume('provider', key);
    expect(limitedOnA?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limitedOnB?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(Number(await inspector.get(`croupier:rl:provider:${key}`))).toBeGreaterThanOrEqual(4);
    // Another provider is not affected.
    expect(await nodeB.consume('provider', `${key}-other`)).toBeNull();
  });
});

describe('rate limits while Redis is down', () => {
  it('still limits through the in-memory insurance limiter, and nothing throws', async () => {
    const rateLimits = limits(3, 3, 'redis://127.0.0.1:1');
    const key = uniqueKey('down');
    const started = Date.now();
    const answers = await consumeTimes(rateLimits, 'provider', key, 4);
    expect(answers.slice(0, 3)).toEqual([null, null, null]);
    expect(answers[3]?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Fails fast: no call waits for the unreachable server.
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(rateLimits.close()).resolves.toBeUndefined();
  });
});
