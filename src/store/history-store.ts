import type { TransactionKind } from '../core/player.js';
import type { SqlClient } from './sql-client.js';

/** A committed transaction as the operator API shows it. */
export interface HistoryItem {
  readonly ledgerId: bigint;
  readonly source: string;
  readonly transactionId: string;
  readonly playerId: string;
  readonly kind: TransactionKind;
  readonly amount: bigint;
  readonly currency: string;
  readonly cashDelta: bigint;
  readonly bonusDelta: bigint;
  readonly roundId: string | null;
  readonly gameId: string | null;
  readonly referenceTransactionId: string | null;
  readonly createdAt: Date;
}

export const historyPageMax = 200;

/** Reads committed history straight from the store; the engine is not involved in reads of the past. */
export class HistoryStore {
  constructor(private readonly client: SqlClient) {}

  /** Newest first; `before` is the ledger id of the last item of the previous page. */
  async page(playerId: string, limit: number, before: bigint | null): Promise<HistoryItem[]> {
    const rows = await this.client.query<HistoryRow>(
      `SELECT ${columns} FROM transactions
       WHERE player_id = $1 AND kind <> 'tombstone' AND ($2::bigint IS NULL OR ledger_id < $2::bigint)
       ORDER BY transactions.ledger_id DESC LIMIT $3`,
      [playerId, before === null ? null : String(before), Math.min(limit, historyPageMax)],
    );
    return rows.map(toItem);
  }

  async find(source: string, transactionId: string): Promise<HistoryItem | undefined> {
    const rows = await this.client.query<HistoryRow>(`SELECT ${columns} FROM transactions WHERE source = $1 AND transaction_id = $2`, [source, transactionId]);
    const row = rows[0];
    return row === undefined ? undefined : toItem(row);
  }
}

const columns = `ledger_id::text, source, transaction_id, player_id, kind, amount::text, currency, cash_delta::text,
  bonus_delta::text, round_id, game_id, reference_transaction_id, created_at`;

interface HistoryRow {
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
  created_at: Date | string;
}

function toItem(row: HistoryRow): HistoryItem {
  return {
    ledgerId: BigInt(row.ledger_id),
    source: row.source,
    transactionId: row.transaction_id,
    playerId: row.player_id,
    kind: row.kind,
    amount: BigInt(row.amount),
    currency: row.currency,
    cashDelta: BigInt(row.cash_delta),
    bonusDelta: BigInt(row.bonus_delta),
    roundId: row.round_id,
    gameId: row.game_id,
    referenceTransactionId: row.reference_transaction_id,
    createdAt: new Date(row.created_at),
  };
}
