// Goal: the post-commit observer is the engine's one seam for committed changes. Each subscriber
// gets every committed batch's events in partition sequence order, numbered so that a
// transaction's number gives its stored ledger id, with the balances the batch changed; a
// subscriber that throws, or never finishes, neither delays nor breaks a commit: its buffer is
// bounded and what does not fit is dropped and counted.
// Method: CommitObserver on its own with hand-made batches; then the engine on PGlite (in memory)
// with a recording subscriber, a throwing one and one that never resolves, comparing what they
// saw with the rows the store holds.
import { afterEach, describe, expect, it } from 'vitest';
import type { TransactionEvent } from '../../src/core/events.js';
import { CommitObserver } from '../../src/engine/commit-observer.js';
import type { CommittedBatch, CommitSubscriber } from '../../src/engine/committed-batch.js';
import { Engine } from '../../src/engine/engine.js';
import { defaultEngineSettings } from '../../src/engine/limits.js';
import { LedgerStore, ledgerId } from '../../src/store/ledger-store.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';

const now = () => new Date('2026-11-21T12:00:00Z');

function batch(partition: number, commandCount: number): CommittedBatch {
  return { partition, firstSequence: 0n, nextSequence: 0n, events: [], balances: [], commandCount, commitMs: 1, committedAt: now() };
}

/** Lets the observer deliver: it hands a subscriber one committed batch per turn of the event loop. */
async function settle(turns = 30): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('CommitObserver', () => {
  it('hands every subscriber each batch in the order committed', async () => {
    const observer = new CommitObserver();
    const first: number[] = [];
    const second: number[] = [];
    observer.subscribe({ name: 'first', committed: (committed) => void first.push(committed.commandCount) });
    observer.subscribe({ name: 'second', committed: async (committed) => void second.push(committed.commandCount) });
    for (let size = 1; size <= 5; size += 1) observer.committed(batch(0, size));
    await settle();
    expect(first).toEqual([1, 2, 3, 4, 5]);
    expect(second).toEqual([1, 2, 3, 4, 5]);
  });

  it('counts a handler that throws and goes on with the next batch and the other subscribers', async () => {
    const observer = new CommitObserver();
    const seen: number[] = [];
    const failing = observer.subscribe({
      name: 'failing',
      committed: (committed) => {
        if (committed.commandCount === 2) throw new Error('subscriber bug');
        seen.push(committed.commandCount);
      },
    });
    const rejecting = observer.subscribe({ name: 'rejecting', committed: () => Promise.reject(new Error('down')) });
    for (let size = 1; size <= 3; size += 1) observer.committed(batch(0, size));
    await settle();
    expect(seen).toEqual([1, 3]);
    expect(failing.figures()).toMatchObject({ delivered: 2, failed: 1, dropped: 0 });
    expect(rejecting.figures()).toMatchObject({ delivered: 0, failed: 3 });
  });

  it('holds at most bufferMax notifications for a subscriber that does not finish, dropping and counting the rest', async () => {
    const observer = new CommitObserver();
    const stuck = observer.subscribe({ name: 'stuck', bufferedEventsMax: 2, committed: () => new Promise<void>(() => undefined) });
    observer.committed(batch(0, 1));
    await settle();
    for (let size = 2; size <= 10; size += 1) observer.committed(batch(0, size));
    await settle();
    // The first is in the handler for good, two wait, seven were dropped.
    expect(stuck.figures()).toEqual({ name: 'stuck', delivered: 0, dropped: 7, failed: 0, buffered: 2, bufferedEvents: 2 });
    stuck.unsubscribe();
    observer.committed(batch(0, 11));
    expect(stuck.figures().buffered).toBe(0);
  });

  it('bounds the buffer by events, letting a batch bigger than the buffer into an empty one only', async () => {
    const observer = new CommitObserver();
    const stuck = observer.subscribe({ name: 'stuck', bufferedEventsMax: 10, committed: () => new Promise<void>(() => undefined) });
    const withEvents = (count: number): CommittedBatch => ({
      ...batch(0, 1),
      events: Array.from({ length: count }, (_, index) => ({ sequence: BigInt(index), event: { type: 'bonus.opted_in', playerId: 'p', campaignId: 'c' } as const })),
    });
    observer.committed(withEvents(1));
    await settle();
    observer.committed(withEvents(30));
    observer.committed(withEvents(1));
    expect(stuck.figures()).toMatchObject({ buffered: 1, bufferedEvents: 31, dropped: 1 });
  });

  it('hands failures to a subscriber ahead of the committed batches it has waiting', async () => {
    const observer = new CommitObserver();
    const seen: string[] = [];
    observer.subscribe({
      name: 'both',
      committed: (committed) => void seen.push(`committed ${committed.commandCount}`),
      failed: (failed) => void seen.push(`failed ${failed.commandCount}`),
      faulted: (fault) => void seen.push(`faulted ${fault.playerId}`),
    });
    observer.committed(batch(0, 1));
    observer.committed(batch(0, 2));
    observer.failed({ partition: 0, commandCount: 3, error: new Error('lost') });
    observer.faulted({ partition: 0, playerId: 'p9', commandKind: 'bet', error: new Error('bug') });
    await settle(1);
    expect(seen).toEqual(['failed 3', 'faulted p9']);
    await settle();
    expect(seen).toEqual(['failed 3', 'faulted p9', 'committed 1', 'committed 2']);
  });

  it('refuses a buffer limit that is not a positive integer within bounds', () => {
    const observer = new CommitObserver();
    expect(() => observer.subscribe({ name: 'zero', bufferedEventsMax: 0, committed: () => undefined })).toThrow(/bufferedEventsMax/);
    expect(() => observer.subscribe({ name: 'huge', bufferedEventsMax: 10 ** 9, committed: () => undefined })).toThrow(/bufferedEventsMax/);
  });
});

describe('the engine delivers committed batches through the observer', () => {
  let sql: SqlClient | undefined;
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.drain();
    await sql?.close();
  });

  async function start(subscribers: readonly CommitSubscriber[]): Promise<Engine> {
    sql = await openPglite(null);
    await migrate(sql);
    engine = await Engine.start(new LedgerStore(sql), { ...defaultEngineSettings, partitionCount: 2, batchDelayMs: 0 }, 'node', { now, subscribers });
    return engine;
  }

  it('numbers events in sequence order per partition, matching the stored ledger ids, with the balances changed', async () => {
    const batches: CommittedBatch[] = [];
    const running = await start([
      { name: 'recorder', committed: (committed) => void batches.push(committed) },
      { name: 'thrower', committed: () => { throw new Error('a broken subscriber'); } },
      { name: 'stuck', bufferedEventsMax: 1, committed: () => new Promise<void>(() => undefined) },
    ]);
    const players = ['p1', 'p2', 'p3', 'p4'];
    for (const playerId of players) await running.execute({ kind: 'register', playerId, currency: 'EUR' });
    const outcomes = await Promise.all(
      players.flatMap((playerId) =>
        Array.from({ length: 25 }, (_, index) => running.execute({ kind: 'deposit', source: 'operator', transactionId: `${playerId}-d${index}`, playerId, amount: '10' })),
      ),
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const stuck = running.subscribe({ name: 'stuck-later', bufferedEventsMax: 1, committed: () => new Promise<void>(() => undefined) });
    const refused = await running.execute({ kind: 'withdrawal', source: 'operator', transactionId: 'too-much', playerId: 'p1', amount: '1000000' });
    expect(refused).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });
    await settle();

    expect(batches.reduce((sum, committed) => sum + committed.commandCount, 0)).toBe(players.length * 26 + 1);
    for (const partition of [0, 1]) {
      const ofPartition = batches.filter((committed) => committed.partition === partition);
      const sequences = ofPartition.flatMap((committed) => committed.events.map((event) => event.sequence));
      expect(sequences).toEqual([...sequences].sort((left, right) => (left < right ? -1 : 1)));
      expect(new Set(sequences).size).toBe(sequences.length);
      // Each batch starts where the one before it ended, and holds its own numbers.
      ofPartition.forEach((committed, index) => {
        if (index > 0) expect(committed.firstSequence).toBe(ofPartition[index - 1]?.nextSequence);
        for (const { sequence } of committed.events) expect(sequence >= committed.firstSequence && sequence < committed.nextSequence).toBe(true);
      });
    }
    const told = batches.flatMap((committed) =>
      committed.events
        .filter((item) => item.event.type === 'transaction.deposit')
        .map((item) => [(item.event as TransactionEvent).entry.record.transactionId, String(ledgerId(committed.partition, item.sequence))] as const),
    );
    const stored = await sql!.query<{ transaction_id: string; ledger_id: string }>(`SELECT transaction_id, ledger_id::text FROM transactions WHERE kind = 'deposit'`);
    expect(new Map(told)).toEqual(new Map(stored.map((row) => [row.transaction_id, row.ledger_id])));
    expect(batches.flatMap((committed) => committed.events).filter((item) => item.event.type === 'transaction.refused')).toHaveLength(1);
    const refusalNumbers = await sql!.query<{ ledger_id: string }>(`SELECT ledger_id::text FROM refusals`);
    const refusal = batches.flatMap((committed) => committed.events.filter((item) => item.event.type === 'transaction.refused').map((item) => ledgerId(committed.partition, item.sequence)));
    expect(refusalNumbers.map((row) => row.ledger_id)).toEqual(refusal.map(String));
    expect(stuck.figures().delivered).toBe(0);
    const lastBalance = batches.flatMap((committed) => committed.balances).filter((balance) => balance.playerId === 'p2').at(-1);
    expect(lastBalance).toMatchObject({ playerId: 'p2', currency: 'EUR', status: 'active', cash: 250n, bonus: 0n });
  });
});
