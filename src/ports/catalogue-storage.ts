import type { Campaign } from '../core/bonus/campaign.js';
import type { Result } from '../core/result.js';
import type { AuditDraft } from './audit-log.js';

export interface Game {
  readonly gameId: string;
  readonly providerId: string | null;
  readonly category: string;
  readonly name: string | null;
}

/** A change to a campaign as it stands when it is applied; refused with the core's rules. */
export type CampaignChange = (current: Campaign) => Result<Campaign>;

/**
 * Where campaigns and the games catalogue are kept: small enough to be read whole by every node.
 * An operator's change writes its audit row in the same statement as the change.
 */
export interface CatalogueStorage {
  campaigns(): Promise<Campaign[]>;
  /** Creates the campaign; when its id is taken, changes nothing and answers the campaign that holds it. */
  createCampaign(campaign: Campaign, audit: AuditDraft): Promise<Result<Campaign | null>>;
  /**
   * Applies `change` to the campaign as stored, and saves the result unless the campaign changed
   * meanwhile (then it tries again with the newer one). Undefined when there is no such campaign.
   */
  updateCampaign(campaignId: string, change: CampaignChange, audit: AuditDraft): Promise<Result<Campaign> | undefined>;
  /** Saves a campaign as it is, without an audit row: for seeding a store, never an operator's change. */
  saveCampaign(campaign: Campaign): Promise<void>;
  games(): Promise<Game[]>;
  /** Saves games, replacing those with the same ids; with `audit`, one audit row per game. */
  saveGames(games: readonly Game[], audit?: AuditDraft): Promise<void>;
}
