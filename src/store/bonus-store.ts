import type { CampaignTotals, StateTotals } from '../core/bonus/campaign-stats.js';
import type { BonusState } from '../core/bonus/grant.js';
import type { BonusReader, GrantRow } from '../ports/bonus-reader.js';
import type { OverdueBonuses } from '../ports/overdue-bonuses.js';
import type { SqlClient } from './sql-client.js';

export class BonusStore implements BonusReader, OverdueBonuses {
  constructor(private readonly client: SqlClient) {}

  async grantsOf(playerId: string): Promise<GrantRow[]> {
    return this.client.query<GrantRow>(
      `SELECT grant_id, campaign_id, state, amount::text, deposit_amount::text, required::text, progress_now::text AS progress,
              converted_amount::text, forfeited_amount::text, granted_at, activated_at, expires_at, ended_at
       FROM bonus_grants_now WHERE player_id = $1 ORDER BY position DESC`,
      [playerId],
    );
  }

  async campaignTotals(campaignId: string): Promise<CampaignTotals> {
    const rows = await this.client.query<{ state: BonusState; grants: string; granted: string; converted: string; forfeited: string; progress: string }>(
      `SELECT state, count(*)::text AS grants, sum(amount)::text AS granted, sum(converted_amount)::text AS converted,
              sum(forfeited_amount)::text AS forfeited, sum(progress)::text AS progress
       FROM bonus_grants WHERE campaign_id = $1 GROUP BY state`,
      [campaignId],
    );
    const totals: Partial<Record<BonusState, StateTotals>> = {};
    for (const row of rows) {
      totals[row.state] = { grants: Number(row.grants), granted: BigInt(row.granted), converted: BigInt(row.converted), forfeited: BigInt(row.forfeited), progress: BigInt(row.progress) };
    }
    return totals;
  }

  async playersWithOverdueBonus(now: Date, limit: number): Promise<string[]> {
    const rows = await this.client.query<{ player_id: string }>(
      `SELECT DISTINCT player_id FROM bonus_grants WHERE state = 'active' AND expires_at <= $1 LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((row) => row.player_id);
  }
}
