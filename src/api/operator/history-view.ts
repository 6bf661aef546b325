import type { HistoryItem } from '../../ports/history-reader.js';
import { operatorSource } from './route-settings.js';

/**
 * A committed transaction as the operator API shows it; an operator transaction has no provider.
 * A rollback's amount is what it returned, its cash and bonus movements together (the command
 * names a bet, not an amount, so its record carries none).
 */
export function historyEntry(item: HistoryItem) {
  const kind = item.kind;
  if (kind === 'tombstone') throw new Error(`invariant violated: tombstone ${item.transactionId} is shown as history`);
  return {
    ledger_id: item.ledgerId.toString(),
    transaction_id: item.transactionId,
    type: kind,
    amount: (kind === 'rollback' ? item.cashDelta + item.bonusDelta : item.amount).toString(),
    currency: item.currency,
    cash: item.cashDelta.toString(),
    bonus: item.bonusDelta.toString(),
    round_id: item.roundId,
    game_id: item.gameId,
    provider: item.source === operatorSource ? null : item.source,
    reference_transaction_id: item.referenceTransactionId,
    created_at: item.createdAt.toISOString(),
  };
}
