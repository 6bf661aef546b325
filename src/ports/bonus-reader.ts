import type { CampaignTotals } from '../core/bonus/campaign-stats.js';
import type { BonusState } from '../core/bonus/grant.js';

/** A committed grant with its wagering counted from its standing bets; amounts are integer strings. */
export interface GrantRow {
  readonly grant_id: string;
  readonly campaign_id: string;
  readonly state: BonusState;
  readonly amount: string;
  readonly deposit_amount: string;
  readonly required: string;
  readonly progress: string;
  readonly converted_amount: string;
  readonly forfeited_amount: string;
  readonly granted_at: Date | string;
  readonly activated_at: Date | string | null;
  readonly expires_at: Date | string | null;
  readonly ended_at: Date | string | null;
}

/** Committed bonus state for the operator API: reads only, every change goes through the engine. */
export interface BonusReader {
  /** A player's grants, the latest first. */
  grantsOf(playerId: string): Promise<GrantRow[]>;
  campaignTotals(campaignId: string): Promise<CampaignTotals>;
}
