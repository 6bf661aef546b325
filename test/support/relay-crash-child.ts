/**
 * The process the relay crash test kills: a croupier on PostgreSQL with the event relay
 * publishing to NATS JetStream, under a steady load of bets and wins, printing one JSON line
 * `{"published":n}` every 20 ms until it receives SIGKILL. Run by test/bus/relay-crash.test.ts
 * as `node --import tsx test/support/relay-crash-child.ts` with RELAY_DATABASE_URL,
 * RELAY_SCHEMA, RELAY_NATS_URL, RELAY_STREAM, RELAY_PREFIX and RELAY_PARTITIONS.
 */
import { eventStreamDefaults, eventStreamSpec } from '../../src/bus/bus-streams.js';
import { EventRelay, relayDefaults } from '../../src/bus/event-relay.js';
import { NatsBus } from '../../src/bus/nats-bus.js';
import { RelayProgressStore } from '../../src/store/relay-progress-store.js';
import { createTestCroupier } from './test-croupier.js';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`relay-crash-child: ${name} is required`);
  return value;
}

const partitionCount = Number(env('RELAY_PARTITIONS'));
const subjectPrefix = env('RELAY_PREFIX');
const bus = NatsBus.start({ url: env('RELAY_NATS_URL'), streams: [eventStreamSpec(eventStreamDefaults, env('RELAY_STREAM'), subjectPrefix)], publishTimeoutMs: 2_000, reconnectMs: 100 });
const relay = new EventRelay(bus, { ...relayDefaults, subjectPrefix, pageSizeMax: 32, cachedEventsMax: 4_096, retryMs: 100 });
const croupier = await createTestCroupier({ databaseUrl: env('RELAY_DATABASE_URL'), schema: env('RELAY_SCHEMA'), poolSize: 4, engine: { partitionCount }, expirySweepMs: 0, subscribers: [relay] });
await relay.start(croupier.events, new RelayProgressStore(croupier.sql), partitionCount);
setInterval(() => process.stdout.write(`${JSON.stringify({ published: relay.figures().published })}\n`), 20);

const players = Array.from({ length: 40 }, (_, index) => `p${index}`);
for (const playerId of players) {
  await croupier.execute({ kind: 'register', playerId, currency: 'EUR' });
  await croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: '100000000' });
}
for (let round = 0; ; round += 1) {
  await Promise.all(
    players.map(async (playerId) => {
      const move = { source: 'prov', playerId, roundId: `r${round}`, gameId: 'slot', currency: 'EUR' };
      await croupier.execute({ kind: 'bet', ...move, transactionId: `b-${playerId}-${round}`, amount: '100' });
      await croupier.execute({ kind: 'win', ...move, transactionId: `w-${playerId}-${round}`, amount: '50' });
    }),
  );
}
