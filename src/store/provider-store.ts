import type { UnknownBetPolicy } from '../core/commands.js';
import type { AuditDraft } from '../ports/audit-log.js';
import type { ProviderSettings, ProviderStorage, SecretRotation, StoredProvider } from '../ports/provider-storage.js';
import { auditInsert, auditParameters } from './audit-store.js';
import type { SqlClient } from './sql-client.js';

const columns = 'provider_id, secret, previous_secret, previous_secret_expires_at, rollback_unknown, max_win::text, max_round_payout::text';

/** What the audit log records of a provider row: its settings, never a secret. */
const settingsJson = (row: string) =>
  `jsonb_build_object('rollback_unknown', ${row}.rollback_unknown, 'max_win', ${row}.max_win::text, 'max_round_payout', ${row}.max_round_payout::text)`;

/**
 * Providers registered through the operator API. Each change is one statement of data-modifying
 * CTEs that also writes its audit row, so a change and its record commit together or not at all.
 */
export class ProviderStore implements ProviderStorage {
  constructor(private readonly client: SqlClient) {}

  async all(): Promise<StoredProvider[]> {
    const rows = await this.client.query<ProviderRow>(`SELECT ${columns} FROM providers ORDER BY provider_id`);
    return rows.map(providerOf);
  }

  async create(provider: Omit<StoredProvider, 'previousSecret' | 'previousSecretExpiresAt'>, audit: AuditDraft): Promise<StoredProvider | null> {
    const rows = await this.client.query<ProviderRow & { created: boolean }>(
      `WITH created AS (
         INSERT INTO providers (provider_id, secret, rollback_unknown, max_win, max_round_payout) VALUES ($1, $2, $3, $4::numeric, $5::numeric)
         ON CONFLICT (provider_id) DO NOTHING RETURNING *),
       audit AS (${auditInsert('created', 6, `jsonb_build_object('after', ${settingsJson('created')})`)})
       SELECT true AS created, ${columns} FROM created
       UNION ALL SELECT false, ${columns} FROM providers WHERE provider_id = $1 AND NOT EXISTS (SELECT 1 FROM created)`,
      [provider.providerId, provider.secret, provider.rollbackUnknown, textOf(provider.winMax), textOf(provider.roundPayoutMax), ...auditParameters(audit)],
    );
    const row = rows[0];
    if (row !== undefined) return row.created ? null : providerOf(row);
    // Registered by a concurrent statement that committed after this one's snapshot was taken.
    const holder = (await this.all()).find((stored) => stored.providerId === provider.providerId);
    if (holder === undefined) throw new Error(`invariant violated: provider ${provider.providerId} neither created nor found`);
    return holder;
  }

  async update(providerId: string, change: Partial<ProviderSettings>, audit: AuditDraft): Promise<StoredProvider | undefined> {
    // A setting left out of the change keeps its value: $n IS FALSE means "not named".
    const rows = await this.client.query<ProviderRow>(
      `WITH before AS (SELECT * FROM providers WHERE provider_id = $1 FOR UPDATE),
       updated AS (
         UPDATE providers p SET
           rollback_unknown = coalesce($2, p.rollback_unknown),
           max_win = CASE WHEN $3::boolean THEN $4::numeric ELSE p.max_win END,
           max_round_payout = CASE WHEN $5::boolean THEN $6::numeric ELSE p.max_round_payout END,
           updated_at = now()
         FROM before WHERE p.provider_id = before.provider_id RETURNING p.*),
       audit AS (${auditInsert('before, updated', 7, `jsonb_build_object('before', ${settingsJson('before')}, 'after', ${settingsJson('updated')})`)})
       SELECT ${columns} FROM updated`,
      [
        providerId,
        change.rollbackUnknown ?? null,
        change.winMax !== undefined,
        textOf(change.winMax ?? null),
        change.roundPayoutMax !== undefined,
        textOf(change.roundPayoutMax ?? null),
        ...auditParameters(audit),
      ],
    );
    return rows[0] === undefined ? undefined : providerOf(rows[0]);
  }

  /** A rotation to the secret already current changes nothing, so that a retried rotation never drops the previous secret. */
  async rotateSecret(providerId: string, rotation: SecretRotation, audit: AuditDraft): Promise<StoredProvider | undefined> {
    const rows = await this.client.query<ProviderRow>(
      `WITH rotated AS (
         UPDATE providers SET previous_secret = secret, secret = $2, previous_secret_expires_at = $3::timestamptz, updated_at = now()
         WHERE provider_id = $1 AND secret <> $2 RETURNING *),
       audit AS (${auditInsert('rotated', 4, `jsonb_build_object('previous_secret_expires_at', to_jsonb($3::timestamptz))`)})
       SELECT ${columns} FROM rotated
       UNION ALL SELECT ${columns} FROM providers WHERE provider_id = $1 AND secret = $2`,
      [providerId, rotation.secret, rotation.previousSecretExpiresAt.toISOString(), ...auditParameters(audit)],
    );
    return rows[0] === undefined ? undefined : providerOf(rows[0]);
  }
}

interface ProviderRow {
  provider_id: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
  rollback_unknown: UnknownBetPolicy;
  max_win: string | null;
  max_round_payout: string | null;
}

function providerOf(row: ProviderRow): StoredProvider {
  return {
    providerId: row.provider_id,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at === null ? null : new Date(row.previous_secret_expires_at),
    rollbackUnknown: row.rollback_unknown,
    winMax: row.max_win === null ? null : BigInt(row.max_win),
    roundPayoutMax: row.max_round_payout === null ? null : BigInt(row.max_round_payout),
  };
}

function textOf(amount: bigint | null): string | null {
  return amount === null ? null : amount.toString();
}
