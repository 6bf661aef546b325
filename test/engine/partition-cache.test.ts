// Goal: the partition cache's memory is bounded by historyCachedMax over all its players, not
// only per player: the least recently used players give up their history first and keep their
// wallets (a bet needs no read of the store), and players are dropped only past playersCachedMax.
// Method: bets applied with the pure wallet machine to a cache with a small budget, batch by
// batch as the writer does (touch after commit, then endBatch); after each batch the total held
// must be within the budget and the history given up must be that of the players used longest ago.
import { describe, expect, it } from 'vitest';
import { emptyCatalogue } from '../../src/core/bonus/campaign.js';
import { currencies, type Currency } from '../../src/core/money.js';
import { newPlayerState } from '../../src/core/player.js';
import { apply } from '../../src/core/wallet-machine.js';
import { defaultEngineSettings } from '../../src/engine/limits.js';
import { PartitionCache } from '../../src/engine/partition-cache.js';

const context = { now: Date.parse('2026-11-21T12:00:00Z'), fundsOrder: 'cash_first' as const, catalogue: emptyCatalogue, moneyLimits: new Map() };
const eur: Currency = currencies.get('EUR') ?? fail('EUR is a known currency');

function fail(message: string): never {
  throw new Error(message);
}

function cacheWith(limits: { historyCachedMax: number; historyPerPlayerMax?: number; playersCachedMax?: number }): PartitionCache {
  return new PartitionCache({ ...defaultEngineSettings, historyPerPlayerMax: 512, ...limits });
}

function register(cache: PartitionCache, playerId: string): void {
  cache.addPlayer(newPlayerState({ playerId, currency: eur, cash: 1_000_000n, bonus: 0n, status: 'active' }, true));
}

let sequence = 0;
/** One committed batch of `bets` bets per player, in the order given. */
function batch(cache: PartitionCache, players: readonly string[], bets = 1): void {
  for (const playerId of players) {
    for (let index = 0; index < bets; index += 1) {
      sequence += 1;
      const command = { kind: 'bet', source: 'prov', transactionId: `t${sequence}`, playerId, roundId: `r${sequence}`, gameId: 'slot', amount: 1n, currency: 'EUR' } as const;
      expect(apply(cache, command, context).outcome.ok).toBe(true);
    }
  }
  for (const playerId of players) cache.touch(playerId);
  cache.endBatch(players);
}

describe('partition cache budget', () => {
  it('keeps the transactions and rounds of all players within historyCachedMax, taking the least recently used history first', () => {
    const cache = cacheWith({ historyCachedMax: 20 });
    for (const playerId of ['a', 'b', 'c']) register(cache, playerId);
    // Each bet is one transaction and one round: 2 entries.
    batch(cache, ['a', 'b', 'c'], 3); // 18 entries
    expect(cache.historyCached).toBe(18);
    expect(cache.playersCached).toBe(3);

    batch(cache, ['b', 'a']); // 22 > 20: c, used longest ago, gives up its history (16 left)
    const c = cache.player('c');
    expect(c?.transactions.size).toBe(0);
    expect(c?.rounds.size).toBe(0);
    expect(c?.historyComplete).toBe(false);
    expect(c?.wallet.cash).toBe(1_000_000n - 3n);
    expect(cache.player('a')?.transactions.size).toBe(4);
    expect(cache.player('b')?.transactions.size).toBe(4);
    expect(cache.historyCached).toBe(16);
    expect(cache.playersCached).toBe(3);

    batch(cache, ['a', 'a', 'a']); // 22: b is now the least recently used with history
    expect(cache.player('b')?.transactions.size).toBe(0);
    expect(cache.player('a')?.transactions.size).toBe(7);
    expect(cache.historyCached).toBe(14);

    batch(cache, ['c']); // c bets again without a read of the store: its wallet stayed
    expect(cache.player('c')?.wallet.cash).toBe(1_000_000n - 4n);
    expect(cache.historyCached).toBe(16);
  });

  it('drops the least recently used players only past playersCachedMax', () => {
    const cache = cacheWith({ historyCachedMax: 1_000, playersCachedMax: 2 });
    for (const playerId of ['a', 'b', 'c']) register(cache, playerId);
    batch(cache, ['a', 'b', 'c']);
    expect(cache.player('a')).toBeUndefined();
    expect(cache.playersCached).toBe(2);
    expect(cache.historyCached).toBe(4);
    batch(cache, ['b']);
    register(cache, 'd');
    batch(cache, ['d']); // c is now the least recently used
    expect(cache.player('c')).toBeUndefined();
    expect(cache.player('b')).toBeDefined();
    expect(cache.historyCached).toBe(6);
  });

  it('counts what the per-player trim removed, and what a failed batch forgot', () => {
    const cache = cacheWith({ historyCachedMax: 1_000, historyPerPlayerMax: 4 });
    register(cache, 'a');
    register(cache, 'b');
    batch(cache, ['a', 'b'], 6); // trimmed to 4 transactions and 4 rounds each
    expect(cache.historyCached).toBe(16);
    cache.forget(['a']);
    expect(cache.historyCached).toBe(8);
    expect(cache.playersCached).toBe(1);
  });

  it('with a budget of zero keeps no history past its batch, and the wallets', () => {
    const cache = cacheWith({ historyCachedMax: 0 });
    register(cache, 'a');
    batch(cache, ['a']);
    expect(cache.playersCached).toBe(1);
    expect(cache.player('a')?.transactions.size).toBe(0);
    expect(cache.historyCached).toBe(0);
  });
});
