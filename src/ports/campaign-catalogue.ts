import type { Campaign, Catalogue } from '../core/bonus/campaign.js';
import type { Game } from './catalogue-storage.js';

/** The campaigns and games as this node holds them in memory; a change saved here applies at once. */
export interface CampaignCatalogue extends Catalogue {
  campaigns(): Campaign[];
  games(): Game[];
  saveCampaign(campaign: Campaign): Promise<void>;
  saveGames(games: readonly Game[]): Promise<void>;
}
