// Goal: the service runs the relay behind the bus port: with no NATS_URL the embedded bus takes
// every committed event, and with NATS_URL naming a server that is down the HTTP API keeps
// answering, /ready stays 200 and says the bus is degraded (with the backlog), and the events
// drain in order once the server comes up. Method: startService in-process on PGlite with a
// port of 0; the operator API over a real socket; a nats-server of the test's own started late.
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/bus/event-envelope.js';
import { busConfigDefaults } from '../../src/bus/bus-config.js';
import { eventStreamName } from '../../src/bus/bus-streams.js';
import { createLogger, startService, type Service } from '../../src/service.js';
import { freePort, NatsServerProcess, readStream, requireNats } from '../support/relay-nats.js';
import { storedEventIds, waitUntilIdle } from '../support/relay-workload.js';

const operatorKey = 'test-operator-key-0123456789abcdef';
const natsUp = await requireNats('service with NATS down');

async function start(natsUrl: string | undefined): Promise<Service> {
  return startService(
    {
      port: 0,
      host: '127.0.0.1',
      croupier: { dataDir: null, expirySweepMs: 0 },
      providers: undefined,
      operatorKeys: operatorKey,
      nodeEnv: 'test',
      rateLimits: { providerPerSecond: 100_000, operatorPerSecond: 100_000 },
      logLevel: 'silent',
      bus: { ...busConfigDefaults, natsUrl, publishTimeoutMs: 1_000 },
    },
    createLogger('silent'),
  );
}

/** Registers and funds players through the operator API; every call must succeed. */
async function fund(service: Service, players: readonly string[], tag: string): Promise<void> {
  const base = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' };
  for (const playerId of players) {
    const created = await fetch(`${base}/v1/players`, { method: 'POST', headers, body: JSON.stringify({ player_id: playerId, currency: 'EUR' }) });
    expect([200, 201, 409]).toContain(created.status);
    const deposit = await fetch(`${base}/v1/players/${playerId}/deposits`, { method: 'POST', headers, body: JSON.stringify({ transaction_id: `d-${playerId}-${tag}`, amount: 1000 }) });
    expect(deposit.status, await deposit.clone().text()).toBeLessThan(300);
  }
}

async function ready(service: Service): Promise<{ status: number; body: { bus: { kind: string; connected: boolean; problem: string | null; backlog: number } } }> {
  const reply = await service.app.inject({ method: 'GET', url: '/ready' });
  return { status: reply.statusCode, body: reply.json() };
}

describe('the service and its event bus', () => {
  it('publishes committed events on the embedded bus without NATS_URL', async () => {
    const service = await start(undefined);
    try {
      const received: EventEnvelope[] = [];
      service.events.bus.subscribe('croupier.events.>', (message) => received.push(JSON.parse(new TextDecoder().decode(message.data)) as EventEnvelope));
      await fund(service, ['a', 'b'], '1');
      await waitUntilIdle(service.events.relay, 30_000, service.croupier);
      expect(received.map((envelope) => envelope.type)).toEqual(['transaction.deposit', 'transaction.deposit']);
      expect((await ready(service)).body.bus).toEqual({ kind: 'embedded', connected: true, problem: null, backlog: 0 });
    } finally {
      await service.stop();
    }
  });

  it.runIf(natsUp)('keeps the API working with NATS down, says so on /ready, and drains once NATS is up', async () => {
    const server = new NatsServerProcess(await freePort());
    const service = await start(server.url);
    try {
      await fund(service, ['a', 'b', 'c'], '1');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const down = await ready(service);
      expect(down.status).toBe(200);
      expect(down.body.bus.kind).toBe('nats');
      expect(down.body.bus.connected).toBe(false);
      expect(down.body.bus.problem).not.toBeNull();
      expect(down.body.bus.backlog).toBeGreaterThan(0);
      await server.start();
      await waitUntilIdle(service.events.relay, 30_000, service.croupier);
      const up = await ready(service);
      expect(up.body.bus).toEqual({ kind: 'nats', connected: true, problem: null, backlog: 0 });
      const published = (await readStream(server.url, eventStreamName)).map((message) => message.envelope);
      const byPartition = new Map<number, string[]>();
      for (const envelope of published) byPartition.set(envelope.partition, [...(byPartition.get(envelope.partition) ?? []), envelope.id]);
      expect(byPartition).toEqual(await storedEventIds(service.croupier, service.croupier.settings.partitionCount));
    } finally {
      await service.stop();
      await server.remove();
    }
  }, 60_000);
});
