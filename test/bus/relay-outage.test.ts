// Goal: NATS down at start-up and mid-run costs the wallet nothing: commands keep committing,
// the bus reports itself down, events wait, and once NATS is back they drain in commit order per
// partition with none lost. Method: a nats-server of the test's own on a free loopback port
// (`-js -sd <tmpdir>`), not started while the first workload runs, then started; then killed
// (SIGKILL) in the middle of a second workload and started again on the same store folder. The
// stream, deduplicated by id as a consumer would, must equal the store's event log.
import { afterAll, describe, expect, it } from 'vitest';
import { eventStreamDefaults, eventStreamSpec } from '../../src/bus/bus-streams.js';
import { EventRelay, relayDefaults } from '../../src/bus/event-relay.js';
import { NatsBus } from '../../src/bus/nats-bus.js';
import { RelayProgressStore } from '../../src/store/relay-progress-store.js';
import { freePort, freshStream, NatsServerProcess, readStream, requireNats, type StoredEvent } from '../support/relay-nats.js';
import { runRelayWorkload, storedEventIds, waitUntilIdle } from '../support/relay-workload.js';
import { createTestCroupier } from '../support/test-croupier.js';

const partitionCount = 2;

/** What a consumer that dedupes by id sees, per partition, in stream order. */
function dedupedByPartition(stored: readonly StoredEvent[]): Map<number, string[]> {
  const seen = new Set<string>();
  const ids = new Map<number, string[]>();
  for (const { envelope } of stored) {
    if (seen.has(envelope.id)) continue;
    seen.add(envelope.id);
    ids.set(envelope.partition, [...(ids.get(envelope.partition) ?? []), envelope.id]);
  }
  return ids;
}

describe.runIf(await requireNats('event relay with NATS down'))('event relay with NATS down', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('keeps committing while NATS is down at start-up and mid-run, then drains every event in order', async () => {
    const server = new NatsServerProcess(await freePort());
    cleanups.push(() => server.remove());
    const stream = freshStream('outage');
    const bus = NatsBus.start({ url: server.url, streams: [eventStreamSpec(eventStreamDefaults, stream.name, stream.subjectPrefix)], publishTimeoutMs: 1_000, reconnectMs: 100 });
    cleanups.push(() => bus.close());
    const relay = new EventRelay(bus, { ...relayDefaults, subjectPrefix: stream.subjectPrefix, pageSizeMax: 8, cachedEventsMax: 32, retryMs: 100 });
    const croupier = await createTestCroupier({ dataDir: null, engine: { partitionCount }, expirySweepMs: 0, subscribers: [relay] });
    cleanups.push(async () => {
      await relay.stop(0);
      await croupier.close();
    });
    await relay.start(croupier.events, new RelayProgressStore(croupier.sql), partitionCount);

    // Down at start-up: every command commits, the bus says it is down, the backlog grows.
    await runRelayWorkload(croupier, ['a', 'b', 'c', 'd'], 8);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bus.health().connected).toBe(false);
    expect(relay.figures().partitions.some((partition) => partition.backlog > 0n)).toBe(true);
    await server.start();
    await waitUntilIdle(relay, 30_000, croupier);
    expect(dedupedByPartition(await readStream(server.url, stream.name))).toEqual(await storedEventIds(croupier, partitionCount));

    // Down mid-run: killed while the second workload commits and the relay publishes.
    const workload = runRelayWorkload(croupier, ['a', 'b', 'c', 'd'], 8, '-2');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await server.stop();
    await workload;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bus.health().connected).toBe(false);
    await server.start();
    await waitUntilIdle(relay, 30_000, croupier);
    const stored = await readStream(server.url, stream.name);
    expect(dedupedByPartition(stored)).toEqual(await storedEventIds(croupier, partitionCount));
    expect(new Set(stored.map((message) => message.msgId)).size).toBe(stored.length);
  }, 60_000);
});
