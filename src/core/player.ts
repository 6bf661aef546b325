import type { BonusGrant } from './bonus/grant.js';
import type { Currency } from './money.js';

export type PlayerStatus = 'active' | 'blocked';

export interface Wallet {
  readonly playerId: string;
  readonly currency: Currency;
  cash: bigint;
  bonus: bigint;
  status: PlayerStatus;
}

export type TransactionKind =
  | 'deposit'
  | 'withdrawal'
  | 'bet'
  | 'win'
  | 'rollback'
  | 'tombstone'
  | 'bonus_credit'
  | 'bonus_conversion'
  | 'bonus_forfeit';

/** Ledger entries the bonus engine makes itself carry this source and ids derived from the grant. */
export const bonusSource = 'bonus';

/**
 * What the engine remembers of a committed transaction: enough to answer a replay and to
 * compare its parameters. A tombstone marks the id of a bet that was rolled back before it
 * arrived.
 */
export interface TransactionRecord {
  readonly source: string;
  readonly transactionId: string;
  readonly playerId: string;
  readonly kind: TransactionKind;
  readonly amount: bigint;
  readonly currency: string;
  readonly roundId: string | null;
  readonly gameId: string | null;
  readonly referenceTransactionId: string | null;
}

export interface BetRecord {
  readonly transactionId: string;
  readonly amount: bigint;
  readonly fromCash: bigint;
  readonly fromBonus: bigint;
  /** The bonus active when the bet was placed (null without one) and what the bet added to its wagering. */
  readonly bonusGrantId: string | null;
  readonly contribution: bigint;
  rolledBack: boolean;
}

/**
 * A round as far as the engine knows it. `complete` says whether every committed transaction
 * of the round is here; an incomplete round must be loaded before a win or rollback reads it.
 */
export interface Round {
  complete: boolean;
  /**
   * The round's stakes in arrival order, found by transaction id with `betOf`. A round holds a
   * handful (a spin, a hand and its splits), so a list is searched: a Map per round cost about
   * 130 more bytes of heap per cached bet, and every cached bet is copied by the young-generation
   * collector while it is new. Changed only through `addBet`.
   */
  bets: BetRecord[];
  settled: boolean;
  /** What the round's wins have paid so far, as the provider sent them (a per-round payout limit reads it). */
  paid: bigint;
}

export interface PlayerState {
  readonly wallet: Wallet;
  /** Recent transactions by `transactionKey(source, id)`; older ones live only in the store. */
  readonly transactions: Map<string, TransactionRecord>;
  /** Recent rounds by `roundKey(source, roundId)`. */
  readonly rounds: Map<string, Round>;
  /**
   * True while `transactions` and `rounds` hold the player's whole history (a player created by
   * this writer, with nothing evicted yet). Otherwise a lookup that misses must ask the store.
   */
  historyComplete: boolean;
  /** Every bonus grant of the player, oldest first (a player has few). */
  readonly bonuses: BonusGrant[];
  /** Deposit-match campaigns the player opted into: the next qualifying deposit claims one. */
  readonly bonusOptIns: string[];
}

export function transactionKey(source: string, transactionId: string): string {
  return `${source}\u0000${transactionId}`;
}

export function roundKey(source: string, roundId: string): string {
  return `${source}\u0000${roundId}`;
}

export function newPlayerState(wallet: Wallet, historyComplete: boolean, bonuses: BonusGrant[] = [], bonusOptIns: string[] = []): PlayerState {
  return { wallet, transactions: new Map(), rounds: new Map(), historyComplete, bonuses, bonusOptIns };
}

export function emptyRound(complete: boolean): Round {
  return { complete, bets: [], settled: false, paid: 0n };
}

export function betOf(round: Round, transactionId: string): BetRecord | undefined {
  return round.bets.find((stake) => stake.transactionId === transactionId);
}

/**
 * Adds a stake to its round, without searching: its id is new. The machine adds a bet or a
 * tombstone only for an id it found no transaction for (every referenced id is loaded first),
 * and a replay reads stored transactions, unique per (source, transaction_id). So adding stays
 * constant-time in a round with thousands of stakes.
 */
export function addBet(round: Round, stake: BetRecord): void {
  // A one-element literal is allocated at its exact size; a push onto an empty array reserves 16 slots.
  if (round.bets.length === 0) round.bets = [stake];
  else round.bets.push(stake);
}

/** The stake left in a round by a bet that was rolled back before it arrived. */
export function tombstoneStake(transactionId: string): BetRecord {
  return { transactionId, amount: 0n, fromCash: 0n, fromBonus: 0n, bonusGrantId: null, contribution: 0n, rolledBack: true };
}

export function sameParameters(left: TransactionRecord, right: TransactionRecord): boolean {
  return (
    left.kind === right.kind &&
    left.playerId === right.playerId &&
    left.amount === right.amount &&
    left.currency === right.currency &&
    left.roundId === right.roundId &&
    left.gameId === right.gameId &&
    left.referenceTransactionId === right.referenceTransactionId
  );
}
