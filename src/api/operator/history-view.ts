import type { HistoryItem } from '../../ports/history-reader.js';
import { operatorSource } from './route-settings.js';

/** A committed transaction as the operator API shows it; an operator transaction has no provider. */
export function historyEntry(item: HistoryItem) {
  return {
    ledger_id: item.ledgerId.toString(),
    transaction_id: item.transactionId,
    type: item.kind,
    amount: item.amount.toString(),
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
