import { historyPageMax, type HistoryItem, type HistoryReader } from '../ports/history-reader.js';
import type { SqlClient } from './sql-client.js';
import { recordColumns, recordOf, type RecordRow } from './transaction-row.js';

export class HistoryStore implements HistoryReader {
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

const columns = `${recordColumns('transactions')}, transactions.created_at`;

interface HistoryRow extends RecordRow {
  created_at: Date | string;
}

function toItem(row: HistoryRow): HistoryItem {
  return { ...recordOf(row), cashDelta: BigInt(row.cash_delta), bonusDelta: BigInt(row.bonus_delta), createdAt: new Date(row.created_at) };
}
