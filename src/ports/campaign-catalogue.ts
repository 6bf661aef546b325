import type { Campaign, Catalogue } from '../core/bonus/campaign.js';
import type { Result } from '../core/result.js';
import type { AuditDraft } from './audit-log.js';
import type { CampaignChange, Game } from './catalogue-storage.js';

/** The campaigns and games as this node holds them in memory; a change saved here applies at once. */
export interface CampaignCatalogue extends Catalogue {
  campaigns(): Campaign[];
  games(): Game[];
  /** Creates the campaign; when its id is taken, changes nothing and answers the campaign that holds it. */
  createCampaign(campaign: Campaign, audit: AuditDraft): Promise<Result<Campaign | null>>;
  /** Changes a stored campaign; undefined when there is none. */
  updateCampaign(campaignId: string, change: CampaignChange, audit: AuditDraft): Promise<Result<Campaign> | undefined>;
  /** Saves a campaign without an audit row: for seeding, never an operator's change. */
  saveCampaign(campaign: Campaign): Promise<void>;
  saveGames(games: readonly Game[], audit?: AuditDraft): Promise<void>;
}
