import type { UnknownBetPolicy } from '../core/commands.js';
import type { ProviderStorage, StoredProvider } from '../ports/provider-storage.js';
import type { SqlClient } from './sql-client.js';

export class ProviderStore implements ProviderStorage {
  constructor(private readonly client: SqlClient) {}

  async all(): Promise<StoredProvider[]> {
    const rows = await this.client.query<{ provider_id: string; secret: string; rollback_unknown: UnknownBetPolicy }>(
      'SELECT provider_id, secret, rollback_unknown FROM providers ORDER BY provider_id',
    );
    return rows.map((row) => ({ providerId: row.provider_id, secret: row.secret, rollbackUnknown: row.rollback_unknown }));
  }

  async upsert(provider: StoredProvider): Promise<void> {
    await this.client.query(
      `INSERT INTO providers (provider_id, secret, rollback_unknown) VALUES ($1, $2, $3)
       ON CONFLICT (provider_id) DO UPDATE SET secret = EXCLUDED.secret, rollback_unknown = EXCLUDED.rollback_unknown, updated_at = now()`,
      [provider.providerId, provider.secret, provider.rollbackUnknown],
    );
  }
}
