// Goal: the hub never loses an event to a dropped notification or to the race between catch-up
// and live events. A committed batch that starts past the previous one's nextSequence makes the
// partition's sockets read what they missed from the store; live events that arrive while a
// socket catches up wait, and those the store already gave are not sent twice.
// Method: PushHub with a hand-driven commit source, an in-memory event log whose reads can be
// held open, and sockets that record what they are sent.
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/core/events.js';
import type { CommitSubscriber, CommittedBatch, SequencedEvent } from '../../src/engine/committed-batch.js';
import type { EventLog, EventLogQuery } from '../../src/ports/event-log.js';
import { PushHub } from '../../src/push/push-hub.js';
import { defaultPushLimits } from '../../src/push/push-limits.js';

class RecordingSocket extends EventEmitter {
  readonly sent: Record<string, unknown>[] = [];
  bufferedAmount = 0;
  closedWith: number | null = null;
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  ping(): void {}
  close(code: number): void {
    this.closedWith = code;
  }
  terminate(): void {
    this.closedWith = -1;
  }
  sequences(): number[] {
    return this.sent.filter((message) => typeof message.type === 'string' && !message.type.startsWith('stream.')).map((message) => Number(message.sequence));
  }
}

/** The store: every event ever committed; a read can be held until `release`. */
class MemoryLog implements EventLog {
  readonly events: SequencedEvent[] = [];
  private held: (() => void) | null = null;
  private holdNext = false;
  hold(): void {
    this.holdNext = true;
  }
  release(): void {
    this.held?.();
    this.held = null;
  }
  async read(query: EventLogQuery): Promise<SequencedEvent[]> {
    // The answer is what the store holds when the read starts.
    const answer = this.events.filter(({ sequence, event }) => sequence > query.afterSequence && event.playerId === query.playerId).slice(0, query.limit);
    if (this.holdNext) {
      this.holdNext = false;
      await new Promise<void>((resolve) => (this.held = resolve));
    }
    return answer;
  }
}

const progressed = (playerId: string, sequence: bigint): SequencedEvent => ({
  sequence,
  event: { type: 'wagering.progressed', playerId, grantId: 'g', progress: sequence, required: 1000n } satisfies DomainEvent,
});

function batchOf(partition: number, first: bigint, events: SequencedEvent[]): CommittedBatch {
  const next = events.length === 0 ? first : events[events.length - 1]!.sequence + 1n;
  return { partition, firstSequence: first, nextSequence: next, events, balances: [], commandCount: events.length, commitMs: 1, committedAt: new Date() };
}

function setUp() {
  const subscribers: CommitSubscriber[] = [];
  const log = new MemoryLog();
  const hub = new PushHub({
    source: { subscribe: (subscriber) => (subscribers.push(subscriber), { figures: () => ({ name: '', delivered: 0, dropped: 0, failed: 0, buffered: 0, bufferedEvents: 0 }), unsubscribe: () => subscribers.splice(subscribers.indexOf(subscriber), 1) }) },
    events: log,
    partitionCount: 1,
    limits: defaultPushLimits,
  });
  /** Commits a batch: into the store, and to the hub unless the notification is dropped. */
  const commit = (events: SequencedEvent[], dropped = false) => {
    log.events.push(...events);
    if (!dropped) for (const subscriber of subscribers) void subscriber.committed?.(batchOf(0, events[0]!.sequence, events));
  };
  return { hub, log, commit };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const claims = (playerId: string) => ({ playerId, expiresAtMs: Date.now() + 60_000 });

describe('PushHub', () => {
  it('reads back from the store what a dropped notification held, for the sockets of that partition', async () => {
    const { hub, commit } = setUp();
    const socket = new RecordingSocket();
    hub.open(socket as unknown as WebSocket, claims('p'), null);
    commit([progressed('p', 0n), progressed('q', 1n)]);
    commit([progressed('p', 2n), progressed('p', 3n)], true);
    commit([progressed('q', 4n)], true);
    commit([progressed('p', 5n)]);
    await settle();
    expect(socket.sequences()).toEqual([0, 2, 3, 5]);
    expect(hub.figures().gaps).toBe(1);
    expect(socket.sent.map((message) => message.player_id).filter(Boolean)).toEqual(['p', 'p', 'p', 'p', 'p']);
  });

  it('holds live events while a socket catches up, and sends each event once, in order', async () => {
    const { hub, log, commit } = setUp();
    commit([progressed('p', 0n), progressed('p', 1n)]);
    log.hold();
    const socket = new RecordingSocket();
    hub.open(socket as unknown as WebSocket, claims('p'), 0n);
    // Committed after the read began: not in its answer, so they must come from the live side.
    commit([progressed('p', 2n)]);
    commit([progressed('p', 3n)]);
    await settle();
    expect(socket.sequences()).toEqual([]);
    log.release();
    await settle();
    expect(socket.sequences()).toEqual([1, 2, 3]);
    expect(socket.sent.at(-1)).toMatchObject({ type: 'stream.live', sequence: '3' });
    commit([progressed('p', 4n)]);
    await settle();
    expect(socket.sequences()).toEqual([1, 2, 3, 4]);
  });

  it('closes a catching-up socket with 1013 when the store cannot be read, and forgets it', async () => {
    const { hub, log } = setUp();
    log.read = () => Promise.reject(new Error('store down'));
    const socket = new RecordingSocket();
    hub.open(socket as unknown as WebSocket, claims('p'), 0n);
    await settle();
    expect(socket.closedWith).toBe(1013);
    expect(hub.figures().sockets).toBe(0);
  });

  it('subscribes to commits only while a socket is open', () => {
    const { hub } = setUp();
    const socket = new RecordingSocket();
    expect(hub.figures().sockets).toBe(0);
    hub.open(socket as unknown as WebSocket, claims('p'), null);
    expect(hub.figures()).toMatchObject({ sockets: 1, players: 1 });
    socket.emit('close');
    expect(hub.figures()).toMatchObject({ sockets: 0, players: 0 });
  });
});
