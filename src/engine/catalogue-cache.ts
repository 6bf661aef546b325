import { repeat } from '../util/repeat.js';
import type { Campaign } from '../core/bonus/campaign.js';
import type { CampaignCatalogue } from '../ports/campaign-catalogue.js';
import type { CatalogueStorage, Game } from '../ports/catalogue-storage.js';

/**
 * The campaigns and games every partition reads, held in memory. Changes made through this node
 * apply at once; changes made through another node arrive with the next refresh.
 */
export class CatalogueCache implements CampaignCatalogue {
  private campaignsById = new Map<string, Campaign>();
  private campaignsByCode = new Map<string, Campaign>();
  private gamesById = new Map<string, Game>();
  private stopRefreshing: () => void = () => undefined;

  constructor(private readonly store: CatalogueStorage) {}

  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.stopRefreshing = repeat(refreshMs, () => this.refresh());
  }

  stop(): void {
    this.stopRefreshing();
  }

  campaign(campaignId: string): Campaign | undefined {
    return this.campaignsById.get(campaignId);
  }

  campaignByCode(code: string): Campaign | undefined {
    return this.campaignsByCode.get(code);
  }

  gameCategory(gameId: string): string | undefined {
    return this.gamesById.get(gameId)?.category;
  }

  campaigns(): Campaign[] {
    return [...this.campaignsById.values()];
  }

  games(): Game[] {
    return [...this.gamesById.values()];
  }

  async saveCampaign(campaign: Campaign): Promise<void> {
    await this.store.saveCampaign(campaign);
    await this.refresh();
  }

  async saveGames(games: readonly Game[]): Promise<void> {
    await this.store.saveGames(games);
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const [campaigns, games] = await Promise.all([this.store.campaigns(), this.store.games()]);
    this.campaignsById = new Map(campaigns.map((campaign) => [campaign.campaignId, campaign]));
    this.campaignsByCode = new Map(campaigns.filter((campaign) => campaign.code !== null).map((campaign) => [campaign.code as string, campaign]));
    this.gamesById = new Map(games.map((game) => [game.gameId, game]));
  }
}
