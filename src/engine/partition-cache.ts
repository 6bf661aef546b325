import type { BonusGrant } from '../core/bonus/grant.js';
import { replayRound } from '../core/history.js';
import { currencies } from '../core/money.js';
import { newPlayerState, roundKey, transactionKey, type PlayerState, type TransactionRecord } from '../core/player.js';
import { assert } from '../core/result.js';
import type { PartitionView } from '../core/wallet/context.js';
import type { StoredTransaction, StoredWallet } from '../store/ledger-store.js';
import type { EngineLimits } from './limits.js';

interface Cached {
  readonly state: PlayerState;
  /** The wallet row's version in the store; null until a newly registered player is committed. */
  versionRead: bigint | null;
  /** The last batch that moved this player to the recently used end. */
  touchedInBatch: number;
  /** Transactions and rounds of this player counted in the partition's total (as of its last batch). */
  historySize: number;
}

/**
 * A partition's in-memory state: the players it has touched, most recently used last, plus
 * the transactions prefetched for the batch being applied. Only committed state survives a
 * batch: a failed commit drops every player the batch touched.
 *
 * Past the history budget, the least recently used players give up their history first and
 * keep their wallets: a bet needs only the wallet, while a dropped player costs a read of the
 * store before its next batch can be applied. Players are dropped only past playersCachedMax.
 */
export class PartitionCache implements PartitionView {
  private readonly players = new Map<string, Cached>();
  /** The players holding history, least recently used first (as of their last batch). */
  private readonly holdingHistory = new Map<string, Cached>();
  private readonly prefetched = new Map<string, TransactionRecord>();
  /** Transaction ids read from the store for this batch, found or not. */
  private readonly lookedUp = new Set<string>();
  private batchNumber = 0;
  /** Transactions and rounds held over all cached players: what bounds the cache's memory. */
  private historyTotal = 0;
  /**
   * Grants that have a row in the store, with the row's lifecycle as last written. Only a new
   * lifecycle is an update: wagering progress alone is not written (the store rebuilds an active
   * grant's progress from its bets when the player loads).
   */
  private readonly storedGrants = new WeakMap<BonusGrant, string>();

  constructor(private readonly limits: EngineLimits) {}

  player(playerId: string): PlayerState | undefined {
    return this.players.get(playerId)?.state;
  }

  addPlayer(state: PlayerState): void {
    assert(!this.players.has(state.wallet.playerId), 'a registered player is new');
    this.players.set(state.wallet.playerId, { state, versionRead: null, touchedInBatch: -1, historySize: 0 });
  }

  transaction(player: PlayerState, source: string, transactionId: string): TransactionRecord | undefined {
    const key = transactionKey(source, transactionId);
    return player.transactions.get(key) ?? this.prefetched.get(key);
  }

  versionRead(playerId: string): bigint | null {
    const cached = this.players.get(playerId);
    assert(cached !== undefined, 'a changed player is cached');
    return cached.versionRead;
  }

  /** Marks a player as recently used, so the cache drops others first. */
  touch(playerId: string): void {
    const cached = this.players.get(playerId);
    if (cached === undefined || cached.touchedInBatch === this.batchNumber) return;
    cached.touchedInBatch = this.batchNumber;
    this.players.delete(playerId);
    this.players.set(playerId, cached);
  }

  loadWallet(stored: StoredWallet): void {
    const currency = currencies.get(stored.currency);
    assert(currency !== undefined, `stored currency ${stored.currency} is known`);
    const wallet = { playerId: stored.playerId, currency, cash: stored.cash, bonus: stored.bonus, status: stored.status };
    const state = newPlayerState(wallet, false, stored.bonuses, stored.bonusOptIns);
    for (const grant of stored.bonuses) this.storedGrants.set(grant, lifecycleOf(grant));
    this.drop(stored.playerId);
    this.players.set(stored.playerId, { state, versionRead: stored.version, touchedInBatch: -1, historySize: 0 });
  }

  /** Installs whole rounds read from the store, and remembers transactions looked up by id. */
  loadTransactions(
    rounds: readonly { playerId: string; source: string; roundId: string }[],
    lookedUp: readonly string[],
    transactions: readonly StoredTransaction[],
  ): void {
    for (const key of lookedUp) this.lookedUp.add(key);
    const byRound = new Map<string, StoredTransaction[]>();
    for (const transaction of transactions) {
      this.prefetched.set(transactionKey(transaction.source, transaction.transactionId), transaction);
      if (transaction.roundId === null) continue;
      const key = `${transaction.playerId}\u0000${roundKey(transaction.source, transaction.roundId)}`;
      const inRound = byRound.get(key);
      if (inRound === undefined) byRound.set(key, [transaction]);
      else inRound.push(transaction);
    }
    for (const { playerId, source, roundId } of rounds) {
      const player = this.player(playerId);
      if (player === undefined) continue;
      const key = roundKey(source, roundId);
      player.rounds.set(key, replayRound(byRound.get(`${playerId}\u0000${key}`) ?? []));
    }
  }

  /**
   * Whether a miss for this id is certain: the id was read from the store for this batch, or
   * it is in the player's remembered transactions. (A player's history never covers another
   * player using the same id, so a miss is not certain even with complete history.)
   */
  vouchesFor(playerId: string, key: string): boolean {
    return this.lookedUp.has(key) || this.players.get(playerId)?.state.transactions.has(key) === true;
  }

  isStored(grant: BonusGrant): boolean {
    return this.storedGrants.has(grant);
  }

  /** A stored grant whose row no longer says what the grant is (its state, dates or end amounts moved). */
  rowOutdated(grant: BonusGrant): boolean {
    const written = this.storedGrants.get(grant);
    return written !== undefined && written !== lifecycleOf(grant);
  }

  grantsStored(grants: Iterable<BonusGrant>): void {
    for (const grant of grants) this.storedGrants.set(grant, lifecycleOf(grant));
  }

  committed(playerId: string): void {
    const cached = this.players.get(playerId);
    assert(cached !== undefined, 'a committed player is cached');
    cached.versionRead = (cached.versionRead ?? 0n) + 1n;
  }

  /** Forgets players whose in-memory state may be ahead of the store (their batch failed). */
  forget(playerIds: Iterable<string>): void {
    for (const playerId of playerIds) this.drop(playerId);
  }

  get playersCached(): number {
    return this.players.size;
  }

  get historyCached(): number {
    return this.historyTotal;
  }

  /**
   * Ends a batch: drops prefetched lookups and trims the cache back to its limits, least
   * recently used players first. Every cached player is committed by now, so any history or
   * player may go: it is read from the store again when needed.
   */
  endBatch(touched: Iterable<string>): void {
    this.prefetched.clear();
    this.lookedUp.clear();
    this.batchNumber += 1;
    for (const playerId of touched) {
      const cached = this.players.get(playerId);
      if (cached === undefined) continue;
      this.trimHistory(cached.state);
      const size = cached.state.transactions.size + cached.state.rounds.size;
      this.historyTotal += size - cached.historySize;
      cached.historySize = size;
      this.holdingHistory.delete(playerId);
      if (size > 0) this.holdingHistory.set(playerId, cached);
    }
    for (const [playerId, cached] of this.holdingHistory) {
      if (this.historyTotal <= this.limits.historyCachedMax) break;
      this.forgetHistory(cached);
      this.holdingHistory.delete(playerId);
    }
    for (const playerId of this.players.keys()) {
      if (this.players.size <= this.limits.playersCachedMax) break;
      this.drop(playerId);
    }
  }

  private drop(playerId: string): void {
    const cached = this.players.get(playerId);
    if (cached === undefined) return;
    this.historyTotal -= cached.historySize;
    this.players.delete(playerId);
    this.holdingHistory.delete(playerId);
  }

  /** The player's transactions and rounds are read from the store again when a command needs them. */
  private forgetHistory(cached: Cached): void {
    cached.state.transactions.clear();
    cached.state.rounds.clear();
    cached.state.historyComplete = false;
    this.historyTotal -= cached.historySize;
    cached.historySize = 0;
  }

  private trimHistory(player: PlayerState): void {
    const max = this.limits.historyPerPlayerMax;
    if (player.transactions.size > max) {
      dropOldest(player.transactions, player.transactions.size - max);
      player.historyComplete = false;
    }
    if (player.rounds.size > max) {
      dropOldest(player.rounds, player.rounds.size - max);
      player.historyComplete = false;
    }
  }
}

function dropOldest<V>(map: Map<string, V>, count: number): void {
  let dropped = 0;
  for (const key of map.keys()) {
    if (dropped >= count) return;
    map.delete(key);
    dropped += 1;
  }
}

/** The fields of a grant's row that only its lifecycle moves (not its wagering). */
function lifecycleOf(grant: BonusGrant): string {
  return `${grant.state} ${grant.activatedAt} ${grant.expiresAt} ${grant.endedAt} ${grant.convertedAmount} ${grant.forfeitedAmount}`;
}
