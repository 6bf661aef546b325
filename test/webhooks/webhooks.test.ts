// Goal: operator webhooks deliver every matching committed event, signed, retried with backoff,
// behind a breaker per endpoint, recorded durably, never dropped silently (issue 15 point 5).
// Method: Croupier on each store (PGlite in memory or in a temporary folder for the restart, and
// PostgreSQL in a schema of its own), the operator API through app.inject, and local HTTP servers on 127.0.0.1 as endpoints that answer what each
// test tells them; delivery rows are read back through GET /v1/webhooks/{id}/deliveries.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCroupier, type Croupier, type CroupierOptions } from '../../src/croupier.js';
import { WebhookService } from '../../src/webhooks/webhook-service.js';
import type { WebhookSettings } from '../../src/webhooks/webhook-settings.js';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { storesUnderTest, type StoreUnderTest } from '../support/stores.js';

interface Received {
  readonly body: string;
  readonly signature: string;
  readonly atMs: number;
}

interface Endpoint {
  readonly url: string;
  readonly received: Received[];
  /** The status to answer the nth request (0-based) with. */
  status: (index: number) => number;
  close(): Promise<void>;
}

async function endpoint(status: (index: number) => number = () => 200): Promise<Endpoint> {
  const received: Received[] = [];
  const holder = { status };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const index = received.length;
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(request.headers['x-croupier-signature']), atMs: Date.now() });
      response.statusCode = holder.status(index);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get status() {
      return holder.status;
    },
    set status(next) {
      holder.status = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fast: Partial<WebhookSettings> = { pollMs: 20, backoffBaseMs: 20, backoffMsMax: 200, requestTimeoutMs: 1_000, breakerResetMs: 200 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh store of this kind; the same options open it again after a restart. */
function freshStore(store: StoreUnderTest, durable = false): CroupierOptions {
  const { options, cleanup } = store.fresh(durable);
  cleanups.unshift(cleanup);
  return options;
}

async function setUp(settings: Partial<WebhookSettings>, options: CroupierOptions) {
  const croupier = await createCroupier(options);
  const app = await startTestApp({ croupier });
  const service = await WebhookService.start(croupier, { settings: { ...fast, ...settings } });
  const stop = async () => {
    await service.stop();
    await app.close();
    await croupier.close();
  };
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await stop();
  });
  return {
    croupier,
    app,
    service,
    async stop() {
      stopped = true;
      await stop();
    },
  };
}

async function call(app: TestApp, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) {
  const response = await app.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${testOperatorKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, json: (response.body === '' ? null : JSON.parse(response.body)) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
}

async function register(app: TestApp, url: string, eventTypes: string[]): Promise<{ id: string; secret: string }> {
  const reply = await call(app, 'POST', '/v1/webhooks', { url, event_types: eventTypes });
  expect(reply.status, JSON.stringify(reply.json)).toBe(201);
  return { id: String(reply.json['webhook_id']), secret: String(reply.json['secret']) };
}

async function deliveries(app: TestApp, webhookId: string): Promise<Record<string, unknown>[]> {
  const reply = await call(app, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=200`);
  expect(reply.status).toBe(200);
  return reply.json.items ?? [];
}

// Generous: the full suite shares two cores with PostgreSQL, NATS and the other test workers.
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString().slice(0, 200)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function deposit(croupier: Croupier, playerId: string, transactionId: string, amount = '100'): Promise<void> {
  const outcome = await croupier.execute({ kind: 'deposit', source: 'operator', transactionId, playerId, amount });
  expect(outcome.ok).toBe(true);
}

for (const store of await storesUnderTest('operator webhooks')) {
  describe(`operator webhooks on ${store.name}`, () => {
    it('delivers a committed event signed with the secret, as the documented envelope', async () => {
      const { croupier, app } = await setUp({}, freshStore(store));
      const receiver = await endpoint();
      cleanups.push(receiver.close);
      const { id, secret } = await register(app, receiver.url, ['transaction.*']);
      await croupier.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
      await deposit(croupier, 'p1', 'd1', '1250');
      await until(() => receiver.received.length === 1);
      const [delivery] = receiver.received;
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery?.signature ?? '');
      expect(match).not.toBeNull();
      const expected = createHmac('sha256', secret).update(`${match?.[1]}.${delivery?.body}`).digest('hex');
      expect(match?.[2]).toBe(expected);
      const envelope = JSON.parse(delivery?.body ?? '{}') as Record<string, unknown>;
      expect(envelope).toMatchObject({ type: 'transaction.deposit', player_id: 'p1' });
      // The id is the ledger id: the partition in the high bits, the sequence in the low 40.
      expect(BigInt(String(envelope['id']))).toBe((BigInt(Number(envelope['partition'])) << 40n) + BigInt(String(envelope['sequence'])));
      expect((envelope['payload'] as { entry: { record: { amount: string } } }).entry.record.amount).toBe('1250');
      await until(async () => (await deliveries(app, id))[0]?.['status'] === 'delivered');
      expect((await deliveries(app, id))[0]).toMatchObject({ event_id: envelope['id'], attempts: 1, last_error: null });
    });

    it('retries a failing endpoint with exponential backoff until it answers 2xx', async () => {
      const { croupier, app } = await setUp({ backoffBaseMs: 60, backoffMsMax: 1_000 }, freshStore(store));
      // random() just below 1: each wait is almost its bound, 60 ms then 120 ms.
      const receiver = await endpoint((index) => (index < 2 ? 503 : 200));
      cleanups.push(receiver.close);
      const { id } = await register(app, receiver.url, ['transaction.deposit']);
      await croupier.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
      await deposit(croupier, 'p1', 'd1');
      await until(async () => (await deliveries(app, id))[0]?.['status'] === 'delivered');
      expect(receiver.received).toHaveLength(3);
      expect((await deliveries(app, id))[0]).toMatchObject({ status: 'delivered', attempts: 3, last_error: 'HTTP 503' });
      const [first, second, third] = receiver.received.map((request) => request.atMs);
      // Full jitter: each wait is random below its bound, so only the bounds are certain.
      expect(Number(second) - Number(first)).toBeLessThan(1_000);
      expect(Number(third) - Number(second)).toBeLessThan(1_000);
    });

    it('ends a dead endpoint failed with its last error and opens its breaker, while another keeps receiving', async () => {
      const { croupier, app, service } = await setUp({ attemptsMax: 3, breakerVolumeThreshold: 2, breakerErrorPercentage: 50 }, freshStore(store));
      const dead = await endpoint(() => 500);
      const alive = await endpoint();
      cleanups.push(dead.close, alive.close);
      const deadHook = await register(app, dead.url, ['transaction.deposit']);
      await register(app, alive.url, ['transaction.deposit']);
      await croupier.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
      for (let index = 0; index < 4; index += 1) await deposit(croupier, 'p1', `d${index}`);
      await until(async () => (await deliveries(app, deadHook.id)).every((delivery) => delivery['status'] === 'failed'));
      const failed = await deliveries(app, deadHook.id);
      expect(failed).toHaveLength(4);
      for (const delivery of failed) expect(delivery).toMatchObject({ status: 'failed', attempts: 3, last_error: 'HTTP 500' });
      expect(service.breakerOf(deadHook.id).openings).toBeGreaterThan(0);
      // While the breaker was open nothing was sent and no attempt counted: each counted attempt is one request.
      expect(dead.received).toHaveLength(12);
      await until(() => alive.received.length === 4);
    });

    it('delivers only the event types an endpoint asked for', async () => {
      const { croupier, app } = await setUp({}, freshStore(store));
      const withdrawals = await endpoint();
      const everything = await endpoint();
      cleanups.push(withdrawals.close, everything.close);
      await register(app, withdrawals.url, ['transaction.withdrawal']);
      await register(app, everything.url, ['transaction.*', 'bonus.*']);
      await croupier.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
      await deposit(croupier, 'p1', 'd1', '500');
      expect((await croupier.execute({ kind: 'withdrawal', source: 'operator', transactionId: 'w1', playerId: 'p1', amount: '200' })).ok).toBe(true);
      expect((await croupier.execute({ kind: 'withdrawal', source: 'operator', transactionId: 'w2', playerId: 'p1', amount: '9999' })).ok).toBe(false);
      await until(() => everything.received.length === 3);
      await until(() => withdrawals.received.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(withdrawals.received.map((request) => (JSON.parse(request.body) as { type: string }).type)).toEqual(['transaction.withdrawal']);
      expect(everything.received.map((request) => (JSON.parse(request.body) as { type: string }).type).sort()).toEqual(['transaction.deposit', 'transaction.refused', 'transaction.withdrawal']);
    });

    it('refuses unknown event types, plain http to another host, and an unknown webhook', async () => {
      const { app } = await setUp({}, freshStore(store));
      expect((await call(app, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x', event_types: ['transaction.nope'] })).status).toBe(400);
      expect((await call(app, 'POST', '/v1/webhooks', { url: 'http://example.com/x', event_types: ['bonus.*'] })).status).toBe(400);
      expect((await call(app, 'POST', '/v1/webhooks', { url: 'ftp://127.0.0.1/x', event_types: ['*'] })).status).toBe(400);
      expect((await call(app, 'GET', '/v1/webhooks/unknown-id/deliveries')).json).toMatchObject({ error: { code: 'WEBHOOK_NOT_FOUND' } });
      const created = await register(app, 'https://hooks.example.com/croupier', ['wagering.progressed', 'bonus.*']);
      expect((await call(app, 'GET', '/v1/webhooks')).json.items?.map((item) => item['webhook_id'])).toEqual([created.id]);
      expect((await call(app, 'GET', '/v1/webhooks')).json.items?.[0]).not.toHaveProperty('secret');
      expect((await call(app, 'DELETE', `/v1/webhooks/${created.id}`)).status).toBe(204);
      expect((await call(app, 'DELETE', `/v1/webhooks/${created.id}`)).status).toBe(404);
    });

    it('suspends an endpoint past its bound of pending deliveries and counts what it skipped', async () => {
      const { croupier, app } = await setUp({ pendingPerEndpointMax: 2, backoffBaseMs: 60_000, backoffMsMax: 60_000 }, freshStore(store));
      const dead = await endpoint(() => 500);
      cleanups.push(dead.close);
      const { id } = await register(app, dead.url, ['transaction.deposit']);
      await croupier.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
      for (let index = 0; index < 5; index += 1) await deposit(croupier, 'p1', `d${index}`);
      await until(async () => (await call(app, 'GET', `/v1/webhooks/${id}`)).json['skipped_events'] === '3');
      expect((await call(app, 'GET', `/v1/webhooks/${id}`)).json).toMatchObject({ status: 'suspended', suspended_reason: 'more than 2 deliveries pending' });
      expect(await deliveries(app, id)).toHaveLength(2);
    });

    it('prunes delivered and failed deliveries past their retention, never pending ones', async () => {
      const { croupier, app, service } = await setUp({ backoffBaseMs: 60_000, backoffMsMax: 60_000 }, freshStore(store));
      const alive = await endpoint();
      const dead = await endpoint(() => 503);
      cleanups.push(alive.close, dead.close);
      const aliveHook = await register(app, alive.url, ['transaction.deposit']);
      const deadHook = await register(app, dead.url, ['transaction.deposit']);
      await croupier.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
      await deposit(croupier, 'p1', 'd1');
      await until(async () => (await deliveries(app, aliveHook.id))[0]?.['status'] === 'delivered' && (await deliveries(app, deadHook.id))[0]?.['attempts'] === 1);
      expect(await service.prune()).toBe(0);
      const afterRetention = () => new Date(Date.now() + service.settings.deliveryRetentionMs + 60_000);
      expect(await service.prune(afterRetention)).toBe(1);
      expect(await deliveries(app, aliveHook.id)).toEqual([]);
      expect(await deliveries(app, deadHook.id)).toHaveLength(1);
    });

    it('keeps pending deliveries across a restart, and catches up events committed while it was stopped', async () => {
      const stored = freshStore(store, true);
      const receiver = await endpoint(() => 503);
      cleanups.push(receiver.close);
      const first = await setUp({ backoffBaseMs: 60_000, backoffMsMax: 60_000 }, stored);
      const { id } = await register(first.app, receiver.url, ['transaction.deposit']);
      await first.croupier.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
      await deposit(first.croupier, 'p1', 'd1');
      await until(() => receiver.received.length === 1);
      // Committed while no dispatcher listens: only the event log has it.
      await first.service.stop();
      await deposit(first.croupier, 'p1', 'd2');
      await first.app.close();
      await first.croupier.close();
      cleanups.pop();

      receiver.status = () => 200;
      const second = await setUp({ backoffBaseMs: 20, backoffMsMax: 20 }, stored);
      // The first delivery waits out its 60 s backoff from before the restart; the caught-up one goes now.
      await until(() => receiver.received.length === 2);
      const rows = await deliveries(second.app, id);
      expect(rows.map((row) => row['status']).sort()).toEqual(['delivered', 'pending']);
      expect(rows.find((row) => row['status'] === 'pending')).toMatchObject({ attempts: 1, last_error: 'HTTP 503' });
    });
  });
}
