import type { Campaign } from '../core/bonus/campaign.js';

export interface Game {
  readonly gameId: string;
  readonly providerId: string | null;
  readonly category: string;
  readonly name: string | null;
}

/** Where campaigns and the games catalogue are kept: small enough to be read whole by every node. */
export interface CatalogueStorage {
  campaigns(): Promise<Campaign[]>;
  saveCampaign(campaign: Campaign): Promise<void>;
  games(): Promise<Game[]>;
  saveGames(games: readonly Game[]): Promise<void>;
}
