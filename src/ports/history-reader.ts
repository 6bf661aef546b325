import type { TransactionRecord } from '../core/player.js';

/** A committed transaction as the operator API shows it. */
export interface HistoryItem extends TransactionRecord {
  readonly ledgerId: bigint;
  readonly cashDelta: bigint;
  readonly bonusDelta: bigint;
  readonly createdAt: Date;
}

/** The most items one page of history holds, whatever limit the caller asks for. */
export const historyPageMax = 200;

/** Committed history, read straight from the store: the engine is not involved in reads of the past. */
export interface HistoryReader {
  /** Newest first; `before` is the ledger id of the last item of the previous page. */
  page(playerId: string, limit: number, before: bigint | null): Promise<HistoryItem[]>;
  /** One transaction by its source and id, tombstones included (the caller decides what they mean). */
  find(source: string, transactionId: string): Promise<HistoryItem | undefined>;
}
