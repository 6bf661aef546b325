import { playerPageMax, type PlayerDirectory, type PlayerFilter, type PlayerListing } from '../ports/player-directory.js';
import type { SqlClient } from './sql-client.js';

/** `\` escapes LIKE's wildcards (`%`, `_`) and itself, so that a prefix is matched literally. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export class PlayerStore implements PlayerDirectory {
  constructor(private readonly client: SqlClient) {}

  async page(filter: PlayerFilter, limit: number, after: string | null): Promise<PlayerListing[]> {
    // Only the conditions asked for. Ids are COLLATE "C", so a prefix and the cursor are both ranges of the primary key.
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (condition: (parameter: string) => string, value: unknown) => {
      parameters.push(value);
      conditions.push(condition(`$${parameters.length}`));
    };
    if (after !== null) where((parameter) => `player_id > ${parameter}`, after);
    if (filter.idPrefix !== null) where((parameter) => `player_id LIKE ${parameter} ESCAPE '\\'`, likePrefix(filter.idPrefix));
    if (filter.status !== null) where((parameter) => `status = ${parameter}`, filter.status);
    if (filter.currency !== null) where((parameter) => `currency = ${parameter}`, filter.currency);
    if (filter.createdSince !== null) where((parameter) => `created_at >= ${parameter}::timestamptz`, filter.createdSince.toISOString());
    parameters.push(Math.min(limit, playerPageMax));
    const rows = await this.client.query<PlayerRow>(
      `SELECT player_id, currency, status, cash::text, bonus::text, created_at FROM players
       ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
       ORDER BY players.player_id LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map((row) => ({
      playerId: row.player_id,
      currency: row.currency,
      status: row.status,
      cash: BigInt(row.cash),
      bonus: BigInt(row.bonus),
      createdAt: new Date(row.created_at),
    }));
  }
}

interface PlayerRow {
  player_id: string;
  currency: string;
  status: 'active' | 'blocked';
  cash: string;
  bonus: string;
  created_at: Date | string;
}
