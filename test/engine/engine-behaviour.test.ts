// Goal: the engine's promises beyond single commands — fencing, bounded queues, draining,
// rebuilding state after a restart, a lost commit reply, and ids reused across players.
// Method: engines on a real store (PGlite, and PostgreSQL where it matters), some over a
// SqlClient wrapper that fails on demand.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { defaultEngineSettings, type EngineSettings } from '../../src/engine/limits.js';
import { LedgerStore } from '../../src/store/ledger-store.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { verifyLedger } from '../../src/store/verify-ledger.js';
import { count, funded, mustAccept, storedBalance } from '../support/croupier-fixture.js';
import { storesUnderTest } from '../support/stores.js';
import { createTestCroupier } from '../support/test-croupier.js';

const settings = (overrides: Partial<EngineSettings> = {}): EngineSettings => ({ ...defaultEngineSettings, partitionCount: 2, ...overrides });
const hooks = { now: () => new Date('2026-11-21T12:00:00Z') };
const deposit = (transactionId: string, playerId = 'p', amount = '10') => ({ kind: 'deposit' as const, source: 'operator', transactionId, playerId, amount });

/** A client whose next commit runs on the server and then reports a lost connection. */
function losingOneReply(inner: SqlClient): SqlClient & { loseNextReply: () => void } {
  let lose = false;
  return {
    ...inner,
    dialect: inner.dialect,
    concurrency: inner.concurrency,
    loseNextReply: () => (lose = true),
    async query(text, params, name) {
      const rows = await inner.query(text, params, name);
      if (lose && name?.startsWith('croupier_commit_') === true) {
        lose = false;
        throw new Error('Connection terminated unexpectedly');
      }
      return rows as never;
    },
  };
}

describe('engine behaviour on PGlite', () => {
  it('keeps working after a commit whose reply was lost: the command answers UNAVAILABLE, its retry answers duplicate', async () => {
    const sql = await openPglite(null);
    await migrate(sql);
    const client = losingOneReply(sql);
    const engine = await Engine.start(new LedgerStore(client), settings({ partitionCount: 1 }), 'node-a', hooks);
    await engine.execute({ kind: 'register', playerId: 'p', currency: 'EUR' });
    client.loseNextReply();
    expect(await engine.execute(deposit('d1'))).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    expect(await engine.execute(deposit('d1'))).toMatchObject({ ok: true, duplicate: true, balance: { cash: 10n } });
    expect(await engine.execute(deposit('d2'))).toMatchObject({ ok: true, duplicate: false, balance: { cash: 20n } });
    expect(await verifyLedger(sql)).toEqual([]);
    await engine.drain();
    await sql.close();
  });

  it('fences a stale writer: once another node takes the partitions, the old one commits nothing', async () => {
    const sql = await openPglite(null);
    await migrate(sql);
    const store = new LedgerStore(sql);
    const old = await Engine.start(store, settings(), 'node-old', hooks);
    await old.execute({ kind: 'register', playerId: 'p', currency: 'EUR' });
    await old.execute(deposit('d1'));
    const taker = await Engine.start(store, settings(), 'node-new', hooks);
    expect(await old.execute(deposit('d2'))).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    expect(old.ready).toBe(false);
    expect(await taker.execute(deposit('d3'))).toMatchObject({ ok: true, balance: { cash: 20n } });
    const ids = await sql.query<{ transaction_id: string }>(`SELECT transaction_id FROM transactions ORDER BY ledger_id`);
    expect(ids.map((row) => row.transaction_id)).toEqual(['d1', 'd3']);
    await old.drain();
    await taker.drain();
    await sql.close();
  });

  it('refuses with UNAVAILABLE instead of queueing past queueLengthMax', async () => {
    const sql = await openPglite(null);
    await migrate(sql);
    const engine = await Engine.start(new LedgerStore(sql), settings({ partitionCount: 1, batchSizeMax: 10, queueLengthMax: 10, playersCachedMax: 10 }), 'node', hooks);
    await engine.execute({ kind: 'register', playerId: 'p', currency: 'EUR' });
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, index) => engine.execute(deposit(`d${index}`))));
    const unavailable = outcomes.filter((outcome) => !outcome.ok && outcome.code === 'UNAVAILABLE').length;
    const accepted = outcomes.filter((outcome) => outcome.ok).length;
    expect(unavailable).toBeGreaterThan(0);
    expect(accepted + unavailable).toBe(100);
    expect(await count({ sql } as never, `SELECT 1 FROM transactions`)).toBe(accepted);
    await engine.drain();
    await sql.close();
  });

  it('drains on shutdown: every queued command is answered, later ones are refused', async () => {
    const sql = await openPglite(null);
    await migrate(sql);
    const engine = await Engine.start(new LedgerStore(sql), settings(), 'node', hooks);
    await engine.execute({ kind: 'register', playerId: 'p', currency: 'EUR' });
    const queued = Array.from({ length: 200 }, (_, index) => engine.execute(deposit(`d${index}`)));
    const drained = engine.drain();
    expect(await engine.execute(deposit('late'))).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    await drained;
    expect((await Promise.all(queued)).every((outcome) => outcome.ok)).toBe(true);
    expect(await count({ sql } as never, `SELECT 1 FROM transactions`)).toBe(200);
    await sql.close();
  });

  it('refuses to start with another partition count than the store was created with', async () => {
    const sql = await openPglite(null);
    await migrate(sql);
    const engine = await Engine.start(new LedgerStore(sql), settings({ partitionCount: 4 }), 'node', hooks);
    await engine.drain();
    await expect(Engine.start(new LedgerStore(sql), settings({ partitionCount: 8 }), 'node', hooks)).rejects.toThrow(/created with 4 partitions/);
    await sql.close();
  });
});

for (const store of await storesUnderTest('engine restart and id reuse')) {
  describe(`engine on ${store.name}`, () => {
    it('rebuilds state from the store after a restart: balances, rounds, replays and tombstones', async () => {
      const fresh = store.fresh(true);
      const first = await createTestCroupier(fresh.options);
      await funded(first, 'p', 1000);
      await mustAccept(first, { kind: 'bet', source: 'prov', transactionId: 'b1', playerId: 'p', roundId: 'r1', gameId: 'slot', amount: '100', currency: 'EUR' });
      await mustAccept(first, { kind: 'bet', source: 'prov', transactionId: 'b2', playerId: 'p', roundId: 'r2', gameId: 'slot', amount: '100', currency: 'EUR' });
      await mustAccept(first, { kind: 'win', source: 'prov', transactionId: 'w2', playerId: 'p', roundId: 'r2', gameId: 'slot', amount: '0', currency: 'EUR' });
      await mustAccept(first, { kind: 'rollback', source: 'prov', transactionId: 'rb9', playerId: 'p', roundId: 'r9', referenceTransactionId: 'b9' });
      await first.close();

      const second = await createTestCroupier(fresh.options);
      expect(await second.execute({ kind: 'balance', playerId: 'p' })).toMatchObject({ ok: true, balance: { cash: 800n, bonus: 0n } });
      expect(await second.execute({ kind: 'bet', source: 'prov', transactionId: 'b1', playerId: 'p', roundId: 'r1', gameId: 'slot', amount: '100', currency: 'EUR' })).toMatchObject({ ok: true, duplicate: true });
      expect(await second.execute({ kind: 'bet', source: 'prov', transactionId: 'b9', playerId: 'p', roundId: 'r9', gameId: 'slot', amount: '100', currency: 'EUR' })).toMatchObject({ code: 'TRANSACTION_ROLLED_BACK' });
      expect(await second.execute({ kind: 'rollback', source: 'prov', transactionId: 'rb2', playerId: 'p', roundId: 'r2', referenceTransactionId: 'b2' })).toMatchObject({ code: 'ALREADY_SETTLED' });
      expect(await second.execute({ kind: 'win', source: 'prov', transactionId: 'w1', playerId: 'p', roundId: 'r1', gameId: 'slot', amount: '50', currency: 'EUR' })).toMatchObject({ ok: true, balance: { cash: 850n } });
      expect(await second.execute({ kind: 'withdrawal', source: 'operator', transactionId: 'fund-p', playerId: 'p', amount: '1000' })).toMatchObject({ code: 'DUPLICATE_TRANSACTION' });
      expect(await storedBalance(second, 'p')).toEqual({ cash: '850', bonus: '0' });
      expect(await second.verifyLedger()).toEqual([]);
      await second.close();
      await fresh.cleanup();
    });

    it('refuses a transaction id already used for another player, even in another partition', async () => {
      const fresh = store.fresh();
      const croupier = await createTestCroupier({ ...fresh.options, engine: { partitionCount: 8 } });
      await funded(croupier, 'alice', 1000);
      await funded(croupier, 'bob', 1000);
      const bet = { kind: 'bet' as const, source: 'prov', transactionId: 'shared', roundId: 'r1', gameId: 'slot', amount: '100', currency: 'EUR' };
      await mustAccept(croupier, { ...bet, playerId: 'alice' });
      expect(await croupier.execute({ ...bet, playerId: 'bob' })).toMatchObject({ ok: false, code: 'DUPLICATE_TRANSACTION' });
      expect(await storedBalance(croupier, 'bob')).toEqual({ cash: '1000', bonus: '0' });
      expect(await croupier.execute({ kind: 'bet', source: 'prov', transactionId: 'next', playerId: 'bob', roundId: 'r2', gameId: 'slot', amount: '100', currency: 'EUR' })).toMatchObject({ ok: true });
      expect(await croupier.verifyLedger()).toEqual([]);
      await croupier.close();
      await fresh.cleanup();
    });
  });
}
