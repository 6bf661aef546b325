import type { MoneyCommand } from './commands.js';
import type { Entry } from './entry.js';
import type { Balance } from './outcome.js';
import type { TransactionKind } from './player.js';
import type { DomainErrorCode } from './result.js';

/**
 * Every change a committed batch makes is one of these values, made by the same apply step
 * that makes the postings (docs/architecture.md §7). The engine numbers them with the
 * partition's ledger sequence and hands them to subscribers after the commit.
 */
export type DomainEvent = TransactionEvent | RefusalEvent | BonusEvent;

/**
 * A ledger transaction: a deposit, withdrawal, bet, win or rollback, a bonus credit, conversion
 * or forfeit, or the tombstone of a bet rolled back before it arrived. Its sequence is its
 * ledger id, so the event needs no write of its own.
 */
export interface TransactionEvent {
  readonly type: `transaction.${TransactionKind}`;
  readonly playerId: string;
  /** The record, the cash/bonus split and the legs, as appended to the ledger. */
  readonly entry: Entry;
  /** The player's balances once this transaction is applied. */
  readonly balanceAfter: Balance;
}

/** A money command refused with a stable code; recorded with the batch (the audit trail). */
export interface RefusalEvent {
  readonly type: 'transaction.refused';
  readonly playerId: string;
  /** Who issued the refused transaction id (a provider id, or "operator"), the id, and what it asked for. */
  readonly source: string;
  readonly transactionId: string;
  readonly kind: MoneyCommand['kind'];
  readonly code: DomainErrorCode;
}

/** Bonus lifecycle events: written to the outbox with their batch. */
export type BonusEvent = BonusGranted | BonusActivated | BonusEnded | BonusConverted | BonusOptedIn | WageringProgressed;

export interface BonusGranted {
  readonly type: 'bonus.granted';
  readonly playerId: string;
  readonly grantId: string;
  readonly campaignId: string;
  readonly amount: bigint;
  readonly required: bigint;
}

export interface BonusActivated {
  readonly type: 'bonus.activated';
  readonly playerId: string;
  readonly grantId: string;
  readonly amount: bigint;
  readonly required: bigint;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** A bonus that ended without conversion; what was left of its money went to the house. */
export interface BonusEnded {
  readonly type: 'bonus.expired' | 'bonus.forfeited' | 'bonus.depleted' | 'bonus.cancelled';
  readonly playerId: string;
  readonly grantId: string;
  readonly forfeited: bigint;
}

export interface BonusConverted {
  readonly type: 'bonus.converted';
  readonly playerId: string;
  readonly grantId: string;
  readonly converted: bigint;
  readonly forfeited: bigint;
}

export interface BonusOptedIn {
  readonly type: 'bonus.opted_in';
  readonly playerId: string;
  readonly campaignId: string;
}

export interface WageringProgressed {
  readonly type: 'wagering.progressed';
  readonly playerId: string;
  readonly grantId: string;
  readonly progress: bigint;
  readonly required: bigint;
}

/** Every bonus event type: a record, so that the compiler refuses a bonus event left out. */
const bonusEventTypes: Readonly<Record<BonusEvent['type'], true>> = {
  'bonus.granted': true,
  'bonus.activated': true,
  'bonus.expired': true,
  'bonus.forfeited': true,
  'bonus.depleted': true,
  'bonus.cancelled': true,
  'bonus.converted': true,
  'bonus.opted_in': true,
  'wagering.progressed': true,
};

export function isBonusEvent(event: DomainEvent): event is BonusEvent {
  return Object.hasOwn(bonusEventTypes, event.type);
}
