// Goal: the relay publishes every committed event once, in commit order per partition, with its
// ledger id as Nats-Msg-Id, in an envelope that the code's own schema accepts; a re-send (the
// progress lost, as after a crash between ack and record) is deduplicated by JetStream and by the
// in-process bus alike. Method: a croupier on PGlite with the relay subscribed from the first
// command, a mixed workload, then the JetStream stream read back message by message and compared
// with the store's event log; then a second relay started from no progress on the same stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { eventStreamDefaults, eventStreamSpec } from '../../src/bus/bus-streams.js';
import { EventEnvelope, type EventEnvelope as Envelope } from '../../src/bus/event-envelope.js';
import type { EventBus } from '../../src/bus/event-bus.js';
import { EventRelay, relayDefaults } from '../../src/bus/event-relay.js';
import { InProcessBus } from '../../src/bus/in-process-bus.js';
import { NatsBus } from '../../src/bus/nats-bus.js';
import { RelayProgressStore } from '../../src/store/relay-progress-store.js';
import { deleteStream, freshStream, natsUrl, readStream, requireNats } from '../support/relay-nats.js';
import { runRelayWorkload, storedEventIds, waitUntilIdle } from '../support/relay-workload.js';
import { createTestCroupier, type TestCroupier } from '../support/test-croupier.js';

const partitionCount = 3;
const players = ['a', 'b', 'c', 'd', 'e'];

async function relayedCroupier(bus: EventBus, subjectPrefix: string): Promise<{ croupier: TestCroupier; relay: EventRelay }> {
  const relay = new EventRelay(bus, { ...relayDefaults, subjectPrefix, pageSizeMax: 16, cachedEventsMax: 64, retryMs: 100 });
  const croupier = await createTestCroupier({ dataDir: null, engine: { partitionCount }, expirySweepMs: 0, subscribers: [relay] });
  await relay.start(croupier.events, new RelayProgressStore(croupier.sql), partitionCount);
  return { croupier, relay };
}

/** Per partition, the ids in the order they were published. */
function idsByPartition(envelopes: readonly Envelope[]): Map<number, string[]> {
  const ids = new Map<number, string[]>();
  for (const envelope of envelopes) ids.set(envelope.partition, [...(ids.get(envelope.partition) ?? []), envelope.id]);
  return ids;
}

describe.runIf(await requireNats('event relay'))('event relay on NATS JetStream', () => {
  const stream = freshStream('relay');
  const bus = NatsBus.start({ url: natsUrl, streams: [eventStreamSpec(eventStreamDefaults, stream.name, stream.subjectPrefix)], publishTimeoutMs: 2_000, reconnectMs: 100 });
  let croupier: TestCroupier;
  let relay: EventRelay;

  beforeAll(async () => {
    ({ croupier, relay } = await relayedCroupier(bus, stream.subjectPrefix));
    await runRelayWorkload(croupier, players, 12);
    await waitUntilIdle(relay, 30_000, croupier);
  }, 60_000);
  afterAll(async () => {
    await relay?.stop(0);
    await croupier?.close();
    await bus.close();
    await deleteStream(natsUrl, stream.name);
  });

  it('publishes every committed event once, in order per partition, in a valid envelope', async () => {
    const stored = await readStream(natsUrl, stream.name);
    expect(idsByPartition(stored.map((message) => message.envelope))).toEqual(await storedEventIds(croupier, partitionCount));
    expect(new Set(stored.map((message) => message.msgId)).size).toBe(stored.length);
    for (const message of stored) {
      expect(Value.Check(EventEnvelope, message.envelope), JSON.stringify(message.envelope)).toBe(true);
      expect(message.msgId).toBe(message.envelope.id);
      expect(message.subject).toBe(`${stream.subjectPrefix}.${message.envelope.type}.${message.envelope.partition}`);
    }
    const figures = relay.figures();
    expect(figures.published).toBe(stored.length);
    expect(figures.duplicates).toBe(0);
    expect(figures.partitions.every((partition) => partition.backlog === 0n)).toBe(true);
    expect(figures.publishLagMs.count).toBeGreaterThan(0);
  });

  it('re-sends from lost progress without storing anything twice', async () => {
    const before = await readStream(natsUrl, stream.name);
    await croupier.sql.query('DELETE FROM relay_progress');
    const again = new EventRelay(bus, { ...relayDefaults, subjectPrefix: stream.subjectPrefix, pageSizeMax: 16, retryMs: 100 });
    await again.start(croupier.events, new RelayProgressStore(croupier.sql), partitionCount);
    await waitUntilIdle(again, 30_000, croupier);
    await again.stop(0);
    expect(again.figures().duplicates).toBe(before.length);
    expect(again.figures().published).toBe(0);
    expect((await readStream(natsUrl, stream.name)).length).toBe(before.length);
  });

  it('records progress per partition and stamps the outbox rows it published, which the pruner deletes after the retention', async () => {
    const progress = await croupier.sql.query<{ partition: number; next_sequence: string }>('SELECT partition, next_sequence::text FROM relay_progress ORDER BY partition');
    const figures = relay.figures().partitions;
    expect(progress.map((row) => BigInt(row.next_sequence))).toEqual(figures.filter((partition) => partition.publishedNext > 0n).map((partition) => partition.publishedNext));
    const [unpublished] = await croupier.sql.query<{ count: string }>('SELECT count(*)::text AS count FROM outbox WHERE published_at IS NULL');
    expect(unpublished?.count).toBe('0');
    expect(await new RelayProgressStore(croupier.sql).prune(new Date(Date.now() + 1_000))).toBeGreaterThan(0);
    const [left] = await croupier.sql.query<{ count: string }>('SELECT count(*)::text AS count FROM outbox');
    expect(left?.count).toBe('0');
  });
});

describe('event relay on the in-process bus', () => {
  it('delivers every event once, in order per partition, to a subscriber of the subject pattern, and drops a re-send', async () => {
    const bus = new InProcessBus();
    const received: Envelope[] = [];
    bus.subscribe('croupier.events.>', (message) => received.push(JSON.parse(new TextDecoder().decode(message.data)) as Envelope));
    const { croupier, relay } = await relayedCroupier(bus, 'croupier.events');
    try {
      await runRelayWorkload(croupier, players, 6);
      await waitUntilIdle(relay, 30_000, croupier);
      expect(idsByPartition(received)).toEqual(await storedEventIds(croupier, partitionCount));
      const count = received.length;
      await croupier.sql.query('DELETE FROM relay_progress');
      const again = new EventRelay(bus, { ...relayDefaults, retryMs: 100 });
      await again.start(croupier.events, new RelayProgressStore(croupier.sql), partitionCount);
      await waitUntilIdle(again, 30_000, croupier);
      await again.stop(0);
      expect(received.length).toBe(count);
      expect(again.figures().duplicates).toBe(count);
    } finally {
      await relay.stop(0);
      await croupier.close();
    }
  }, 60_000);
});
