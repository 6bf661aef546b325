// Goal: a SIGKILL of the process running the relay in the middle of publishing loses no event,
// and a consumer that dedupes by id sees each once, in order per partition; JetStream itself
// stores none twice (the re-send after the restart carries the same Nats-Msg-Id). Method: a
// child process (test/support/relay-crash-child.ts) commits bets and wins on PostgreSQL while
// its relay publishes to a stream of the test's own; once it has published some hundreds of
// events it gets a real SIGKILL. The parent restarts a croupier and relay on the same schema,
// lets it drain, and compares the stream with the store's event log.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventStreamDefaults, eventStreamSpec } from '../../src/bus/bus-streams.js';
import { EventRelay, relayDefaults } from '../../src/bus/event-relay.js';
import { NatsBus } from '../../src/bus/nats-bus.js';
import { RelayProgressStore } from '../../src/store/relay-progress-store.js';
import { deleteStream, freshStream, natsUrl, readStream, requireNats } from '../support/relay-nats.js';
import { storedEventIds, waitUntilIdle } from '../support/relay-workload.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres } from '../support/stores.js';
import { createTestCroupier } from '../support/test-croupier.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const partitionCount = 4;
const publishedBeforeKillMin = 500;

const servicesUp = (await requireNats('relay crash test')) && (await requirePostgres('relay crash test'));

/** Runs the child until it has published enough, then kills it with SIGKILL; resolves once it is dead. */
async function loadThenKill(environment: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/relay-crash-child.ts'], { cwd: repoRoot, env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let published = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child published ${published} events in 60 s: ${stderr}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        const match = /"published":(\d+)/.exec(line);
        if (match !== null) published = Math.max(published, Number(match[1]));
      }
      if (published >= publishedBeforeKillMin) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`the child exited before the kill: ${stderr}`)));
  });
  child.kill('SIGKILL');
  await exited;
  return published;
}

describe.runIf(servicesUp)('event relay killed mid-publish', () => {
  const schema = freshSchema('relay_crash');
  const stream = freshStream('crash');
  afterAll(async () => {
    await deleteStream(natsUrl, stream.name);
    await dropSchema(schema);
  });

  it('loses no event after a SIGKILL and a restart, and stores none twice', async () => {
    const publishedBeforeKill = await loadThenKill({ RELAY_DATABASE_URL: postgresUrl, RELAY_SCHEMA: schema, RELAY_NATS_URL: natsUrl, RELAY_STREAM: stream.name, RELAY_PREFIX: stream.subjectPrefix, RELAY_PARTITIONS: String(partitionCount) });
    expect(publishedBeforeKill).toBeGreaterThanOrEqual(publishedBeforeKillMin);

    const bus = NatsBus.start({ url: natsUrl, streams: [eventStreamSpec(eventStreamDefaults, stream.name, stream.subjectPrefix)], publishTimeoutMs: 2_000, reconnectMs: 100 });
    const relay = new EventRelay(bus, { ...relayDefaults, subjectPrefix: stream.subjectPrefix, retryMs: 100 });
    const croupier = await createTestCroupier({ databaseUrl: postgresUrl, schema, poolSize: 4, engine: { partitionCount }, expirySweepMs: 0, subscribers: [relay] });
    try {
      await relay.start(croupier.events, new RelayProgressStore(croupier.sql), partitionCount);
      await waitUntilIdle(relay, 60_000, croupier);
      const stored = await readStream(natsUrl, stream.name);
      const seen = new Set<string>();
      const delivered = new Map<number, string[]>();
      for (const { envelope, msgId } of stored) {
        expect(msgId).toBe(envelope.id);
        if (seen.has(envelope.id)) continue;
        seen.add(envelope.id);
        delivered.set(envelope.partition, [...(delivered.get(envelope.partition) ?? []), envelope.id]);
      }
      expect(delivered).toEqual(await storedEventIds(croupier, partitionCount));
      expect(seen.size).toBe(stored.length);
      console.info(`relay crash: ${stored.length} events, ${publishedBeforeKill} published before the kill, ${relay.figures().duplicates} re-sent and deduplicated after the restart`);
    } finally {
      await relay.stop(0);
      await croupier.close();
      await bus.close();
    }
  }, 120_000);
});
