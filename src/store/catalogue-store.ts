import type { Campaign } from '../core/bonus/campaign.js';
import { failure, success, type Result } from '../core/result.js';
import type { AuditDraft } from '../ports/audit-log.js';
import type { CampaignChange, CatalogueStorage, Game } from '../ports/catalogue-storage.js';
import { auditInsert, auditParameters } from './audit-store.js';
import { termsFromJson, termsToJson, type TermsJson } from './campaign-json.js';
import type { SqlClient } from './sql-client.js';
import { sqlErrorFields } from './store-errors.js';

/** How often a campaign change is tried again when the campaign changed between its read and its write. */
const updateAttemptsMax = 3;

/** The unique constraint on campaign codes (migrations/003_bonuses.sql): a code claims one campaign. */
const codeConstraint = 'campaigns_code_key';

export class CatalogueStore implements CatalogueStorage {
  constructor(private readonly client: SqlClient) {}

  async campaigns(): Promise<Campaign[]> {
    const rows = await this.client.query<{ terms: TermsJson | string }>('SELECT terms FROM campaigns ORDER BY campaign_id');
    return rows.map((row) => termsFromJson(typeof row.terms === 'string' ? (JSON.parse(row.terms) as TermsJson) : row.terms));
  }

  async createCampaign(campaign: Campaign, audit: AuditDraft): Promise<Result<Campaign | null>> {
    const terms = JSON.stringify(termsToJson(campaign));
    const rows = await this.codeTaken(() =>
      this.client.query<{ created: boolean; terms: string }>(
        `WITH created AS (
           INSERT INTO campaigns (campaign_id, code, terms) VALUES ($1, $2, $3::jsonb) ON CONFLICT (campaign_id) DO NOTHING RETURNING terms),
         audit AS (${auditInsert('created', 4, `jsonb_build_object('after', created.terms)`)})
         SELECT true AS created, terms::text FROM created
         UNION ALL SELECT false, terms::text FROM campaigns WHERE campaign_id = $1 AND NOT EXISTS (SELECT 1 FROM created)`,
        [campaign.campaignId, campaign.code, terms, ...auditParameters(audit)],
      ),
    );
    if (!rows.ok) return rows;
    const row = rows.value[0];
    if (row !== undefined) return success(row.created ? null : termsFromJson(JSON.parse(row.terms) as TermsJson));
    // Created by a concurrent statement that committed after this one's snapshot was taken.
    const holder = (await this.campaigns()).find((stored) => stored.campaignId === campaign.campaignId);
    if (holder === undefined) throw new Error(`invariant violated: campaign ${campaign.campaignId} neither created nor found`);
    return success(holder);
  }

  async updateCampaign(campaignId: string, change: CampaignChange, audit: AuditDraft): Promise<Result<Campaign> | undefined> {
    for (let attempt = 0; attempt < updateAttemptsMax; attempt += 1) {
      const rows = await this.client.query<{ terms: string }>('SELECT terms::text FROM campaigns WHERE campaign_id = $1', [campaignId]);
      const read = rows[0];
      if (read === undefined) return undefined;
      const changed = change(termsFromJson(JSON.parse(read.terms) as TermsJson));
      if (!changed.ok) return changed;
      const written = await this.codeTaken(() => this.replace(changed.value, read.terms, audit));
      if (!written.ok) return written;
      if (written.value) return changed;
    }
    return failure('UNAVAILABLE', `campaign ${campaignId} kept changing while this change was applied: retry`);
  }

  /** Writes the campaign if its stored terms are still `readTerms` (compared as jsonb); false when they are not. */
  private async replace(campaign: Campaign, readTerms: string, audit: AuditDraft): Promise<boolean> {
    const rows = await this.client.query<{ campaign_id: string }>(
      `WITH updated AS (
         UPDATE campaigns SET code = $2, terms = $3::jsonb, updated_at = now() WHERE campaign_id = $1 AND terms = $4::jsonb RETURNING campaign_id),
       audit AS (${auditInsert('updated', 5, `jsonb_build_object('before', $4::jsonb, 'after', $3::jsonb)`)})
       SELECT campaign_id FROM updated`,
      [campaign.campaignId, campaign.code, JSON.stringify(termsToJson(campaign)), readTerms, ...auditParameters(audit)],
    );
    return rows.length === 1;
  }

  /** A code taken meanwhile by another campaign (through another node) is a refusal, not a failure. */
  private async codeTaken<T>(statement: () => Promise<T>): Promise<Result<T>> {
    try {
      return success(await statement());
    } catch (error) {
      const { code, constraint } = sqlErrorFields(error);
      if (code === '23505' && constraint === codeConstraint) return failure('VALIDATION_ERROR', 'the code belongs to another campaign');
      throw error;
    }
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

  async saveGames(games: readonly Game[], audit?: AuditDraft): Promise<void> {
    const columns = [games.map((game) => game.gameId), games.map((game) => game.providerId), games.map((game) => game.category), games.map((game) => game.name)];
    const save = `INSERT INTO games (game_id, provider_id, category, name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (game_id) DO UPDATE SET provider_id = EXCLUDED.provider_id, category = EXCLUDED.category, name = EXCLUDED.name, updated_at = now()`;
    if (audit === undefined) {
      await this.client.query(save, columns);
      return;
    }
    const game = (row: string) => `jsonb_build_object('category', ${row}.category, 'provider_id', ${row}.provider_id, 'name', ${row}.name)`;
    await this.client.query(
      `WITH before AS (SELECT * FROM games WHERE game_id = ANY($1::text[])),
       saved AS (${save} RETURNING game_id, provider_id, category, name),
       audit AS (${auditInsert('saved LEFT JOIN before USING (game_id)', 5, `jsonb_build_object('before', CASE WHEN before.game_id IS NULL THEN NULL ELSE ${game('before')} END, 'after', ${game('saved')})`, 'saved.game_id')})
       SELECT count(*) FROM saved`,
      [...columns, ...auditParameters(audit)],
    );
  }
}
