import type { TransactionKind, TransactionRecord } from '../core/player.js';

/** The columns of a `transactions` row every reader selects (as text where PostgreSQL has numbers), of `table`. */
export function recordColumns(table: string): string {
  const t = `${table}.`;
  return `${t}ledger_id::text, ${t}source, ${t}transaction_id, ${t}player_id, ${t}kind, ${t}amount::text, ${t}currency,
  ${t}cash_delta::text, ${t}bonus_delta::text, ${t}round_id, ${t}game_id, ${t}reference_transaction_id`;
}

export interface RecordRow {
  ledger_id: string;
  source: string;
  transaction_id: string;
  player_id: string;
  kind: TransactionKind;
  amount: string;
  currency: string;
  cash_delta: string;
  bonus_delta: string;
  round_id: string | null;
  game_id: string | null;
  reference_transaction_id: string | null;
}

export function recordOf(row: RecordRow): TransactionRecord & { readonly ledgerId: bigint } {
  return {
    ledgerId: BigInt(row.ledger_id),
    source: row.source,
    transactionId: row.transaction_id,
    playerId: row.player_id,
    kind: row.kind,
    amount: BigInt(row.amount),
    currency: row.currency,
    roundId: row.round_id,
    gameId: row.game_id,
    referenceTransactionId: row.reference_transaction_id,
  };
}
