import type { SqlClient } from '../../src/store/sql-client.js';

/** A stored transaction as the crash tests check it: amounts as text, and how many rows share its id. */
export interface StoredTransactionRow {
  source: string;
  transaction_id: string;
  player_id: string;
  kind: string;
  amount: string;
  round_id: string | null;
  /** Rows with this source and id: a retry applied twice would show as 2. */
  copies: string;
}

/**
 * Every transaction of the store by `source/transaction_id`. `extraColumns` selects more from
 * `transactions t`, for a row type that extends `StoredTransactionRow`.
 */
export async function storedTransactions<Row extends StoredTransactionRow = StoredTransactionRow>(sql: SqlClient, extraColumns = ''): Promise<Map<string, Row>> {
  const rows = await sql.query<Row>(
    `SELECT t.source, t.transaction_id, t.player_id, t.kind, t.amount::text, t.round_id,
            count(*) OVER (PARTITION BY t.source, t.transaction_id)::text AS copies${extraColumns === '' ? '' : `, ${extraColumns}`}
     FROM transactions t`,
  );
  return new Map(rows.map((row) => [`${row.source}/${row.transaction_id}`, row]));
}

/** Every player's stored balances. */
export async function storedBalances(sql: SqlClient): Promise<Map<string, { cash: bigint; bonus: bigint }>> {
  const rows = await sql.query<{ player_id: string; cash: string; bonus: string }>(`SELECT player_id, cash::text, bonus::text FROM players`);
  return new Map(rows.map((row) => [row.player_id, { cash: BigInt(row.cash), bonus: BigInt(row.bonus) }]));
}
