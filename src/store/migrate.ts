import { readdir, readFile } from 'node:fs/promises';
import type { SqlClient } from './sql-client.js';

const migrationsDir = new URL('./migrations/', import.meta.url);

/**
 * Applies the migrations not yet applied, each in its own transaction. On PostgreSQL an
 * advisory lock keeps two nodes that start together from applying the same one twice.
 */
export async function migrate(client: SqlClient): Promise<void> {
  await client.script(`CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort();
  for (const file of files) {
    const version = file.replace(/\.sql$/, '');
    const sql = await readFile(new URL(file, migrationsDir), 'utf8');
    const lock = client.dialect === 'postgres' ? `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.croupier_migrations'));` : '';
    await client.script(`BEGIN;
${lock}
DO $do$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = '${version}') THEN
    EXECUTE ${dollarQuote(sql)};
    INSERT INTO schema_migrations (version) VALUES ('${version}');
  END IF;
END $do$;
COMMIT;`);
  }
}

function dollarQuote(sql: string): string {
  if (sql.includes('$migration$')) throw new Error('a migration must not contain $migration$');
  return `$migration$${sql}$migration$`;
}
