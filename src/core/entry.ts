import type { Posting } from './ledger.js';
import type { TransactionRecord } from './player.js';

/** A transaction to append to the ledger: its record, how it moved money and its legs. */
export interface Entry {
  readonly record: TransactionRecord;
  /** Bet: taken from cash / bonus. Win: paid to cash / bonus. Rollback: returned to each. */
  readonly cashAmount: bigint;
  readonly bonusAmount: bigint;
  readonly postings: readonly Posting[];
  /** The bonus that was active when a bet was placed, and what the bet added to its wagering. */
  readonly bonusGrantId: string | null;
  readonly contribution: bigint;
}
