// Goal: a partition writer keeps an out-of-process store busy while it answers. Once a batch is
// committed, the next batch's commit is sent before the first batch's callers are answered, and
// those answers never wait for the next commit to finish. An in-process store (PGlite) runs a
// commit to its end before anything else runs, so there the committed batch is answered first.
// Method: the engine on PGlite behind a SQL client that holds commit statements at a gate and,
// like pg-pool with an idle connection, takes a statement only on the next tick; the order of
// "commit sent" and "answered" (a caller's continuation, where a route would respond) is
// recorded. Fails against a writer that answers before it sends the next commit. Last, a commit
// that fails while the error hook itself throws: the batch is still answered, the writer goes on.
import { nextTick } from 'node:process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput } from '../../src/core/commands.js';
import type { Outcome } from '../../src/core/outcome.js';
import { Engine } from '../../src/engine/engine.js';
import { defaultEngineSettings, embeddedEngineDefaults } from '../../src/engine/limits.js';
import { LedgerStore } from '../../src/store/ledger-store.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';

/** Commits wait at the gate until released, one by one, in the order they were sent. */
class CommitGate {
  readonly events: string[] = [];
  private readonly held: (() => void)[] = [];
  private readonly failing: ((error: Error) => void)[] = [];
  private released = 0;
  private opened = false;
  private waiting: (() => void) | null = null;

  /** `dialect`: what the wrapped client says it is; 'postgres' makes the writer treat it as out of process. */
  wrap(inner: SqlClient, dialect: SqlClient['dialect']): SqlClient {
    return {
      ...inner,
      dialect,
      concurrency: inner.concurrency,
      query: async <Row,>(text: string, params?: readonly unknown[], name?: string): Promise<Row[]> => {
        if (name?.startsWith('croupier_commit') === true && !this.opened) {
          await new Promise<void>((resolve, reject) => {
            nextTick(() => {
              this.events.push(`commit ${this.held.length + this.released}`);
              this.held.push(resolve);
              this.failing.push(reject);
              this.waiting?.();
            });
          });
        }
        return inner.query<Row>(text, params, name);
      },
    };
  }

  /** Resolves once `count` commits have been sent (held or released). */
  async sent(count: number): Promise<void> {
    while (this.held.length + this.released < count) await new Promise<void>((resolve) => (this.waiting = resolve));
  }

  release(): void {
    const next = this.held.shift();
    this.failing.shift();
    if (next === undefined) throw new Error('no commit is held');
    this.released += 1;
    next();
  }

  /** Fails the oldest held commit as a lost connection would (the store never sees it). */
  fail(): void {
    const next = this.failing.shift();
    this.held.shift();
    if (next === undefined) throw new Error('no commit is held');
    this.released += 1;
    next(new Error('connection terminated unexpectedly'));
  }

  /** Releases every held commit and lets later ones through. */
  open(): void {
    this.opened = true;
    while (this.held.length > 0) this.release();
  }
}

const bet = (transactionId: string, playerId: string): CommandInput => ({
  kind: 'bet',
  source: 'prov',
  transactionId,
  playerId,
  roundId: `round-${transactionId}`,
  gameId: 'slot',
  amount: '1',
  currency: 'EUR',
});

for (const { dialect, order } of [
  { dialect: 'postgres', order: ['commit 2', 'commit 3', 'answered A'] },
  { dialect: 'pglite', order: ['commit 2', 'answered A', 'commit 3'] },
] as const) {
  describe(`partition writer pipelining, store reported as ${dialect}`, () => {
    const gate = new CommitGate();
    let sql: SqlClient;
    let engine: Engine;

    beforeAll(async () => {
      sql = await openPglite(null);
      await migrate(sql);
      engine = await Engine.start(new LedgerStore(gate.wrap(sql, dialect)), { ...defaultEngineSettings, ...embeddedEngineDefaults, batchDelayMs: 0 }, 'test-node', {
        now: () => new Date('2026-11-21T12:00:00Z'),
      });
    });

    afterAll(async () => {
      gate.open();
      await engine.drain();
      await sql.close();
    });

    it(`orders a committed batch's answers and the next commit: ${order.join(', ')}`, async () => {
      const answered = (label: string) => (outcome: Outcome) => {
        gate.events.push(`answered ${label}`);
        return outcome;
      };
      const setup = [
        engine.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' }),
        engine.execute({ kind: 'register', playerId: 'p2', currency: 'EUR' }),
      ];
      await gate.sent(1);
      gate.release();
      await Promise.all(setup);
      await Promise.all([engine.execute({ kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p1', amount: 10n }), gate.sent(2).then(() => gate.release())]);
      gate.events.length = 0;

      // Batch A commits while batch B queues behind it.
      const first = engine.execute(bet('a', 'p1')).then(answered('A'));
      await gate.sent(3);
      const second = engine.execute(bet('b', 'p1')).then(answered('B'));
      gate.release();
      // A is answered while B's commit is still held at the gate.
      const outcomeA = await first;
      expect(outcomeA.ok).toBe(true);
      await gate.sent(4);
      expect(gate.events).toEqual(order);

      gate.release();
      expect((await second).ok).toBe(true);
      expect(gate.events).toEqual([...order, 'answered B']);
    });
  });
}

describe('partition writer, a failed commit whose error hook throws', () => {
  const gate = new CommitGate();
  let sql: SqlClient;
  let engine: Engine;
  const reported: unknown[] = [];

  beforeAll(async () => {
    sql = await openPglite(null);
    await migrate(sql);
    engine = await Engine.start(new LedgerStore(gate.wrap(sql, 'postgres')), { ...defaultEngineSettings, ...embeddedEngineDefaults, batchDelayMs: 0 }, 'test-node', {
      now: () => new Date('2026-11-21T12:00:00Z'),
      subscribers: [
        {
          name: 'failing-reporter',
          failed: ({ error }) => {
            reported.push(error);
            throw new Error('the error hook itself failed');
          },
        },
      ],
    });
  });

  afterAll(async () => {
    gate.open();
    await engine.drain();
    await sql.close();
  });

  it('answers the batch UNAVAILABLE and goes on committing', async () => {
    const registered = engine.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
    await gate.sent(1);
    gate.fail();
    const outcome = await registered;
    expect(outcome).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    expect(reported).toHaveLength(1);

    const retried = engine.execute({ kind: 'register', playerId: 'p1', currency: 'EUR' });
    await gate.sent(2);
    gate.release();
    expect((await retried).ok).toBe(true);
  });
});
