import type { GgrGrouping, GgrReader, GgrSums } from '../ports/ggr-report.js';
import type { SqlClient } from './sql-client.js';

/** Each grouping's key. A rollback has no game of its own: it counts for the game of the bet it returns. */
const groupKeys: { readonly [grouping in GgrGrouping]: string } = {
  provider: `CASE WHEN t.kind IN ('bet', 'win', 'rollback') THEN t.source END`,
  game: `coalesce(t.game_id, bet.game_id)`,
  currency: 'NULL::text',
  day: `to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

/** The GGR report's sums, in numeric (exact), as text. */
export class ReportStore implements GgrReader {
  constructor(private readonly client: SqlClient) {}

  async ggr(from: Date, to: Date, groupBy: GgrGrouping, rowsMax: number): Promise<GgrSums[]> {
    const betOfRollback =
      groupBy === 'game' ? `LEFT JOIN transactions bet ON t.kind = 'rollback' AND bet.source = t.source AND bet.transaction_id = t.reference_transaction_id AND bet.kind = 'bet'` : '';
    const moved = 't.cash_delta + t.bonus_delta';
    const rows = await this.client.query<GgrRow>(
      `SELECT ${groupKeys[groupBy]} AS grouping, t.currency,
              coalesce(sum(-(${moved})) FILTER (WHERE t.kind = 'bet'), 0)::text AS bets,
              coalesce(sum(${moved}) FILTER (WHERE t.kind = 'win'), 0)::text AS wins,
              coalesce(sum(${moved}) FILTER (WHERE t.kind = 'rollback'), 0)::text AS rollbacks,
              coalesce(sum(t.bonus_delta) FILTER (WHERE t.kind = 'bonus_credit'), 0)::text AS bonus_credited,
              coalesce(sum(t.cash_delta) FILTER (WHERE t.kind = 'bonus_conversion'), 0)::text AS bonus_converted,
              coalesce(sum(-(${moved})) FILTER (WHERE t.kind IN ('bonus_forfeit', 'bonus_conversion')), 0)::text AS bonus_forfeited
       FROM transactions t ${betOfRollback}
       WHERE t.created_at >= $1::timestamptz AND t.created_at < $2::timestamptz
         AND t.kind IN ('bet', 'win', 'rollback', 'bonus_credit', 'bonus_conversion', 'bonus_forfeit')
       GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2 LIMIT $3`,
      [from.toISOString(), to.toISOString(), rowsMax + 1],
    );
    return rows.map((row) => ({
      group: row.grouping,
      currency: row.currency,
      bets: BigInt(row.bets),
      wins: BigInt(row.wins),
      rollbacks: BigInt(row.rollbacks),
      bonusCredited: BigInt(row.bonus_credited),
      bonusConverted: BigInt(row.bonus_converted),
      bonusForfeited: BigInt(row.bonus_forfeited),
    }));
  }
}

interface GgrRow {
  grouping: string | null;
  currency: string;
  bets: string;
  wins: string;
  rollbacks: string;
  bonus_credited: string;
  bonus_converted: string;
  bonus_forfeited: string;
}
