import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { DurableNodeFS, durableStartParams, syncPath, syncTree, type SyncListener } from './pglite-durable-fs.js';
import type { SqlClient } from './sql-client.js';

export interface PgliteOptions {
  /** When false the folder must already hold a store (`verify-ledger`); by default a missing one is created. */
  readonly create?: boolean;
  /** Told of every sync of a file or folder (tests count them). */
  readonly onSync?: SyncListener;
}

/** A folder that was to hold a store holds none. */
export class MissingStoreError extends Error {
  constructor(readonly dataDir: string) {
    super(`no PGlite store in ${dataDir} (no PG_VERSION file there): name the data folder the server uses (CROUPIER_DATA_DIR or --data-dir)`);
    this.name = 'MissingStoreError';
  }
}

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, data in a local folder (null keeps
 * it in memory). A folder store is claimed with a lock file for as long as it is open (one
 * process per folder) and is durable: each commit is synced to the disk before it is answered
 * (see DurableNodeFS).
 */
export async function openPglite(dataDir: string | null, options: PgliteOptions = {}): Promise<SqlClient> {
  if (dataDir === null) return clientOf(new PGlite(), null);
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh && options.create === false) throw new MissingStoreError(dataDir);
  await mkdir(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir);
  try {
    const database = new PGlite({ fs: new DurableNodeFS(dataDir, options.onSync), startParams: [...durableStartParams] });
    const client = await clientOf(database, lock);
    if (fresh) {
      syncTree(resolve(dataDir), options.onSync);
      syncPath(dirname(resolve(dataDir)), true, options.onSync);
    }
    return client;
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function clientOf(database: PGlite, lock: DataDirLock | null): Promise<SqlClient> {
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
      try {
        await database.close();
      } finally {
        lock?.release();
      }
    },
  };
}
