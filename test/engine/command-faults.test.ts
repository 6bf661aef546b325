// Goal: one command whose application throws (a bug) does not take its batch down (issue 14,
// point 4). Before, every command of the batch, other players' included, answered UNAVAILABLE on
// every retry while the log blamed the store. Now that command alone is refused INTERNAL_ERROR,
// reported to subscribers with its player, and nothing of it is stored; the rest commits.
// Method: the engine on PGlite with a catalogue that throws for one game; bets of several players
// sent together so that they share a batch; then what the store holds.
import { afterEach, describe, expect, it } from 'vitest';
import type { Catalogue } from '../../src/core/bonus/campaign.js';
import type { FaultedCommand } from '../../src/engine/committed-batch.js';
import { Engine } from '../../src/engine/engine.js';
import { defaultEngineSettings } from '../../src/engine/limits.js';
import { LedgerStore } from '../../src/store/ledger-store.js';
import { campaign } from '../support/catalogue.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';

// A player's bet asks for its game's category only while a bonus is wagered: p2 gets one.
const wagered = campaign({ campaignId: 'wagered', fixedAmount: 50n });
const explosive: Catalogue = {
  campaign: (campaignId) => (campaignId === 'wagered' ? wagered : undefined),
  campaignByCode: () => undefined,
  gameCategory: (gameId) => {
    if (gameId === 'broken') throw new Error('a catalogue bug');
    return 'slots';
  },
};

const bet = (playerId: string, transactionId: string, gameId = 'slot') =>
  ({ kind: 'bet', source: 'prov', transactionId, playerId, roundId: `r-${transactionId}`, gameId, amount: '10', currency: 'EUR' }) as const;

describe('a command whose application throws', () => {
  let sql: SqlClient | undefined;
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.drain();
    await sql?.close();
  });

  it('is refused INTERNAL_ERROR alone, reported with its player, and the rest of its batch commits', async () => {
    sql = await openPglite(null);
    await migrate(sql);
    const faults: FaultedCommand[] = [];
    engine = await Engine.start(new LedgerStore(sql), { ...defaultEngineSettings, partitionCount: 1, batchDelayMs: 5 }, 'node', {
      now: () => new Date('2026-11-21T12:00:00Z'),
      catalogue: explosive,
      subscribers: [{ name: 'faults', faulted: (fault) => void faults.push(fault) }],
    });
    const players = ['p1', 'p2', 'p3'];
    for (const playerId of players) {
      await engine.execute({ kind: 'register', playerId, currency: 'EUR' });
      await engine.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: '100' });
    }
    expect((await engine.execute({ kind: 'grant_bonus', playerId: 'p2', grantId: 'g', campaignId: 'wagered' })).ok).toBe(true);
    const outcomes = await Promise.all([engine.execute(bet('p1', 'a')), engine.execute(bet('p2', 'b', 'broken')), engine.execute(bet('p2', 'c')), engine.execute(bet('p3', 'd'))]);
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.code))).toEqual(['ok', 'INTERNAL_ERROR', 'ok', 'ok']);
    expect(faults).toMatchObject([{ partition: 0, playerId: 'p2', commandKind: 'bet' }]);
    expect(String(faults[0]?.error)).toMatch(/a catalogue bug/);

    // A retry with the same id meets the same bug, and is refused again; nothing of it is stored.
    expect(await engine.execute(bet('p2', 'b', 'broken'))).toMatchObject({ ok: false, code: 'INTERNAL_ERROR' });
    const stored = await sql.query<{ transaction_id: string }>(`SELECT transaction_id FROM transactions WHERE kind = 'bet' ORDER BY transaction_id`);
    expect(stored.map((row) => row.transaction_id)).toEqual(['a', 'c', 'd']);
    // p2's bet c took its 10 from the bonus first (bonus_first), the others from cash.
    const wallets = await sql.query<{ player_id: string; cash: string; bonus: string }>(`SELECT player_id, cash::text, bonus::text FROM players ORDER BY player_id`);
    expect(wallets).toEqual([
      { player_id: 'p1', cash: '90', bonus: '0' },
      { player_id: 'p2', cash: '100', bonus: '40' },
      { player_id: 'p3', cash: '90', bonus: '0' },
    ]);
  });

  it('refuses DUPLICATE_TRANSACTION for the second of two players given one transaction id in one batch, and commits the rest', async () => {
    sql = await openPglite(null);
    await migrate(sql);
    engine = await Engine.start(new LedgerStore(sql), { ...defaultEngineSettings, partitionCount: 1, batchDelayMs: 5 }, 'node', { now: () => new Date('2026-11-21T12:00:00Z') });
    for (const playerId of ['p1', 'p2', 'p3']) {
      await engine.execute({ kind: 'register', playerId, currency: 'EUR' });
      await engine.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: '100' });
    }
    // Before, the store's unique index refused the whole batch, on every retry: all three answered UNAVAILABLE.
    const outcomes = await Promise.all([engine.execute(bet('p1', 'same')), engine.execute(bet('p2', 'same')), engine.execute(bet('p3', 'other'))]);
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.code))).toEqual(['ok', 'DUPLICATE_TRANSACTION', 'ok']);
    const stored = await sql.query<{ player_id: string }>(`SELECT player_id FROM transactions WHERE kind = 'bet' ORDER BY player_id`);
    expect(stored.map((row) => row.player_id)).toEqual(['p1', 'p3']);
  });
});
