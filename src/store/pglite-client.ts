import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient } from './sql-client.js';

/** The embedded default: PostgreSQL compiled to WebAssembly, data in a local folder. */
export async function openPglite(dataDir: string | null): Promise<SqlClient> {
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });
  const database = dataDir === null ? new PGlite() : new PGlite(dataDir);
  await database.waitReady;
  return {
    dialect: 'pglite',
    concurrency: 1,
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      const result = await database.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async script(text: string): Promise<void> {
      await database.exec(text);
    },
    async close(): Promise<void> {
      await database.close();
    },
  };
}
