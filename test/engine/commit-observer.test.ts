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
  return { partition, events: [], balances: [], commandCount, commitMs: 1, committedAt: now() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

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
    const stuck = observer.subscribe({ name: 'stuck', bufferMax: 2, committed: () => new Promise<void>(() => undefined) });
    observer.committed(batch(0, 1));
    await settle();
    for (let size = 2; size <= 10; size += 1) observer.committed(batch(0, size));
    await settle();
    // The first is in the handler for good, two wait, seven were dropped.
    expect(stuck.figures()).toEqual({ name: 'stuck', delivered: 0, dropped: 7, failed: 0, buffered: 2 });
    stuck.unsubscribe();
    observer.committed(batch(0, 11));
    expect(stuck.figures().buffered).toBe(0);
  });

  it('refuses a buffer limit that is not a positive integer within bounds', () => {
    const observer = new CommitObserver();
    expect(() => observer.subscribe({ name: 'zero', bufferMax: 0, committed: () => undefined })).toThrow(/bufferMax/);
    expect(() => observer.subscribe({ name: 'huge', bufferMax: 10 ** 9, committed: () => undefined })).toThrow(/bufferMax/);
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
      { name: 'stuck', bufferMax: 1, committed: () => new Promise<void>(() => undefined) },
    ]);
    const players = ['p1', 'p2', 'p3', 'p4'];
    for (const playerId of players) await running.execute({ kind: 'register', playerId, currency: 'EUR' });
    const outcomes = await Promise.all(
      players.flatMap((playerId) =>
        Array.from({ length: 25 }, (_, index) => running.execute({ kind: 'deposit', source: 'operator', transactionId: `${playerId}-d${index}`, playerId, amount: '10' })),
      ),
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const refused = await running.execute({ kind: 'withdrawal', source: 'operator', transactionId: 'too-much', playerId: 'p1', amount: '1000000' });
    expect(refused).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });
    await settle();

    expect(batches.reduce((sum, committed) => sum + committed.commandCount, 0)).toBe(players.length * 26 + 1);
    for (const partition of [0, 1]) {
      const sequences = batches.filter((committed) => committed.partition === partition).flatMap((committed) => committed.events.map((event) => event.sequence));
      expect(sequences).toEqual([...sequences].sort((left, right) => (left < right ? -1 : 1)));
      expect(new Set(sequences).size).toBe(sequences.length);
    }
    const told = batches.flatMap((committed) =>
      committed.events
        .filter((item) => item.event.type === 'transaction.deposit')
        .map((item) => [(item.event as TransactionEvent).entry.record.transactionId, String(ledgerId(committed.partition, item.sequence))] as const),
    );
    const stored = await sql!.query<{ transaction_id: string; ledger_id: string }>(`SELECT transaction_id, ledger_id::text FROM transactions WHERE kind = 'deposit'`);
    expect(new Map(told)).toEqual(new Map(stored.map((row) => [row.transaction_id, row.ledger_id])));
    expect(batches.flatMap((committed) => committed.events).filter((item) => item.event.type === 'transaction.refused')).toHaveLength(1);
    const lastBalance = batches.flatMap((committed) => committed.balances).filter((balance) => balance.playerId === 'p2').at(-1);
    expect(lastBalance).toMatchObject({ playerId: 'p2', currency: 'EUR', status: 'active', cash: 250n, bonus: 0n });
  });
});
