import { repeat } from '../util/repeat.js';
import type { Campaign } from '../core/bonus/campaign.js';
import type { CampaignCatalogue } from '../ports/campaign-catalogue.js';
import type { Result } from '../core/result.js';
import type { AuditDraft } from '../ports/audit-log.js';
import type { CampaignChange, CatalogueStorage, Game } from '../ports/catalogue-storage.js';

/**
 * The campaigns and games every partition reads, held in memory. Changes made through this node
 * apply at once; changes made through another node arrive with the next refresh.
 */
export class CatalogueCache implements CampaignCatalogue {
  private campaignsById = new Map<string, Campaign>();
  private campaignsByCode = new Map<string, Campaign>();
  private gamesById = new Map<string, Game>();
  private stopRefreshing: () => void = () => undefined;
  private refreshesStarted = 0;
  private latestApplied = 0;

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

  async createCampaign(campaign: Campaign, audit: AuditDraft): Promise<Result<Campaign | null>> {
    const created = await this.store.createCampaign(campaign, audit);
    await this.refresh();
    return created;
  }

  async updateCampaign(campaignId: string, change: CampaignChange, audit: AuditDraft): Promise<Result<Campaign> | undefined> {
    const updated = await this.store.updateCampaign(campaignId, change, audit);
    await this.refresh();
    return updated;
  }

  async saveCampaign(campaign: Campaign): Promise<void> {
    await this.store.saveCampaign(campaign);
    await this.refresh();
  }

  async saveGames(games: readonly Game[], audit?: AuditDraft): Promise<void> {
    await this.store.saveGames(games, audit);
    await this.refresh();
  }

  async refresh(): Promise<void> {
    // A timed refresh that read the store before a change must not overwrite what a later read saw.
    this.refreshesStarted += 1;
    const ticket = this.refreshesStarted;
    const [campaigns, games] = await Promise.all([this.store.campaigns(), this.store.games()]);
    if (ticket < this.latestApplied) return;
    this.latestApplied = ticket;
    this.campaignsById = new Map(campaigns.map((campaign) => [campaign.campaignId, campaign]));
    this.campaignsByCode = new Map(campaigns.filter((campaign) => campaign.code !== null).map((campaign) => [campaign.code as string, campaign]));
    this.gamesById = new Map(games.map((game) => [game.gameId, game]));
  }
}
