// Goal: a player connected to node B sees a bet committed on node A (issue 15 point 4): what
// node A publishes on the bus reaches node B's sockets of that player, as the same envelope, and
// nothing of other players does.
// Method: node A is a croupier whose commits are published on a shared in-process bus (the
// stand-in for NATS: the feed only sees the EventBus port) the way its relay does, one message
// per event on croupier.events.<type>.<partition>; node B is the HTTP app on a croupier of its own
// that commits nothing, listening on loopback, its push hub fed from the bus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf, eventSubject } from '../../src/bus/event-envelope.js';
import { InProcessBus } from '../../src/bus/in-process-bus.js';
import { createCroupier, type Croupier } from '../../src/croupier.js';
import type { CommitSubscriber } from '../../src/engine/committed-batch.js';
import { busFeed } from '../../src/push/bus-feed.js';
import { PlayerTokens } from '../../src/push/player-tokens.js';
import { startTestApp, type TestApp } from '../support/http-app.js';
import { openStream } from './stream-client.js';

const tokens = new PlayerTokens('cross-node-secret-0123456789-abcdefghij');
const bus = new InProcessBus();
const encoder = new TextEncoder();
let nodeA: Croupier;
let nodeB: TestApp;

/** What node A's relay does, without its progress table: every committed event, in commit order. */
const publisher: CommitSubscriber = {
  name: 'publisher',
  committed: async (batch) => {
    for (const sequenced of batch.events) {
      const envelope = envelopeOf(batch.partition, sequenced, batch.committedAt);
      await bus.publish({ subject: eventSubject(sequenced.event.type, batch.partition), id: envelope.id, data: encoder.encode(JSON.stringify(envelope)) });
    }
  },
};

beforeAll(async () => {
  nodeA = await createCroupier({ dataDir: null, expirySweepMs: 0, subscribers: [publisher] });
  nodeB = await startTestApp({ listen: true, push: { tokens, remote: busFeed(bus) } });
});

afterAll(async () => {
  await nodeB?.close();
  await nodeA?.close();
  await bus.close();
});

describe('cross-node push', () => {
  it('brings a bet committed on node A to the socket of its player on node B, and nothing of another player', async () => {
    for (const playerId of ['x-1', 'x-2']) {
      await nodeA.execute({ kind: 'register', playerId, currency: 'EUR' });
      await nodeA.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: '1000' });
    }
    const { token } = await tokens.issue('x-1');
    const client = await openStream(nodeB.baseUrl!, `?token=${token}`);
    for (const playerId of ['x-1', 'x-2']) {
      const outcome = await nodeA.execute({ kind: 'bet', source: 'prov', playerId, roundId: 'r1', gameId: 'slot', currency: 'EUR', transactionId: `b-${playerId}`, amount: '40' });
      expect(outcome.ok).toBe(true);
    }
    await client.waitFor((messages) => messages.some((message) => message.type === 'transaction.bet'));
    const events = client.events();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'transaction.bet', player_id: 'x-1', payload: { amount: '40', balance_after: { cash: '960', bonus: '0' } } });
    expect(Object.keys(events[0]!).sort()).toEqual(['id', 'partition', 'payload', 'player_id', 'sequence', 'time', 'type']);
    client.close();
    await client.closed;
  });
});
