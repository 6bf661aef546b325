import type { Campaign } from '../core/bonus/campaign.js';
import type { CatalogueStorage, Game } from '../ports/catalogue-storage.js';
import { termsFromJson, termsToJson, type TermsJson } from './campaign-json.js';
import type { SqlClient } from './sql-client.js';

export class CatalogueStore implements CatalogueStorage {
  constructor(private readonly client: SqlClient) {}

  async campaigns(): Promise<Campaign[]> {
    const rows = await this.client.query<{ terms: TermsJson | string }>('SELECT terms FROM campaigns ORDER BY campaign_id');
    return rows.map((row) => termsFromJson(typeof row.terms === 'string' ? (JSON.parse(row.terms) as TermsJson) : row.terms));
  }

  async saveCampaign(campaign: Campaign): Promise<void> {
    await this.client.query(
      `INSERT INTO campaigns (campaign_id, code, terms) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (campaign_id) DO UPDATE SET code = EXCLUDED.code, terms = EXCLUDED.terms, updated_at = now()`,
      [campaign.campaignId, campaign.code, JSON.stringify(termsToJson(campaign))],
    );
  }

  async games(): Promise<Game[]> {
    const rows = await this.client.query<{ game_id: string; provider_id: string | null; category: string; name: string | null }>(
      'SELECT game_id, provider_id, category, name FROM games ORDER BY game_id',
    );
    return rows.map((row) => ({ gameId: row.game_id, providerId: row.provider_id, category: row.category, name: row.name }));
  }

  async saveGames(games: readonly Game[]): Promise<void> {
    await this.client.query(
      `INSERT INTO games (game_id, provider_id, category, name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (game_id) DO UPDATE SET provider_id = EXCLUDED.provider_id, category = EXCLUDED.category, name = EXCLUDED.name, updated_at = now()`,
      [games.map((game) => game.gameId), games.map((game) => game.providerId), games.map((game) => game.category), games.map((game) => game.name)],
    );
  }
}
