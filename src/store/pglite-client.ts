import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DurableNodeFS, durableStartParams, syncPath, syncTree, type SyncListener } from './pglite-durable-fs.js';
import type { SqlClient } from './sql-client.js';

export interface PgliteOptions {
  /** Told of every sync of a file or folder (tests count them). */
  readonly onSync?: SyncListener;
}

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, data in a local folder (null keeps
 * it in memory). A folder store is durable: each commit is synced to the disk before it is
 * answered (see DurableNodeFS).
 */
export async function openPglite(dataDir: string | null, options: PgliteOptions = {}): Promise<SqlClient> {
  if (dataDir === null) return clientOf(new PGlite());
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  await mkdir(dataDir, { recursive: true });
  const database = new PGlite({ fs: new DurableNodeFS(dataDir, options.onSync), startParams: [...durableStartParams] });
  const client = await clientOf(database);
  if (fresh) {
    syncTree(resolve(dataDir), options.onSync);
    syncPath(dirname(resolve(dataDir)), true, options.onSync);
  }
  return client;
}

async function clientOf(database: PGlite): Promise<SqlClient> {
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
