import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { CroupierOptions } from '../../src/croupier.js';

export const postgresUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Whether the PostgreSQL tests run. In CI they are mandatory: a missing server fails the run.
 * Elsewhere they are skipped with one loud line.
 */
export async function requirePostgres(suite: string): Promise<boolean> {
  if (await reachable()) return true;
  if (inCi) throw new Error(`CI=true and PostgreSQL is not reachable at ${postgresUrl}: "${suite}" cannot be skipped`);
  console.warn(`!!! SKIPPING "${suite}" on PostgreSQL: no server at ${postgresUrl} (set TEST_DATABASE_URL) !!!`);
  return false;
}

let schemaCounter = 0;

/** A schema of its own for each test, so suites on one server never see each other's rows. */
export function freshSchema(prefix: string): string {
  schemaCounter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${schemaCounter}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface StoreUnderTest {
  readonly name: 'pglite' | 'postgres';
  /** Options for a fresh, empty store; `cleanup` removes it. `durable` keeps PGlite on disk (for restarts). */
  fresh(durable?: boolean): { options: CroupierOptions; cleanup: () => Promise<void> };
}

export const pgliteStore: StoreUnderTest = {
  name: 'pglite',
  fresh(durable = false) {
    if (!durable) return { options: { dataDir: null }, cleanup: async () => undefined };
    const dataDir = mkdtempSync(join(tmpdir(), 'croupier-pglite-'));
    return { options: { dataDir }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  },
};

export const postgresStore: StoreUnderTest = {
  name: 'postgres',
  fresh() {
    const schema = freshSchema('croupier_test');
    return { options: { databaseUrl: postgresUrl, schema, poolSize: 8 }, cleanup: () => dropSchema(schema) };
  },
};

/** Both adapters: PGlite always, PostgreSQL when reachable (always in CI). */
export async function storesUnderTest(suite: string): Promise<StoreUnderTest[]> {
  return (await requirePostgres(suite)) ? [pgliteStore, postgresStore] : [pgliteStore];
}
