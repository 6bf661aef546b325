import { hostname } from 'node:os';
import type { CommandInput } from './core/commands.js';
import type { Outcome } from './core/outcome.js';
import { Engine } from './engine/engine.js';
import { defaultEngineSettings, embeddedEngineDefaults, type EngineSettings } from './engine/limits.js';
import { LedgerStore } from './store/ledger-store.js';
import { migrate } from './store/migrate.js';
import { openPglite } from './store/pglite-client.js';
import { openPostgres } from './store/postgres-client.js';
import type { SqlClient } from './store/sql-client.js';
import { verifyLedger, type LedgerProblem } from './store/verify-ledger.js';

export interface CroupierOptions {
  /** PostgreSQL connection string; without it the embedded PGlite store is used. */
  readonly databaseUrl?: string | undefined;
  /** PostgreSQL schema to work in (created if missing). */
  readonly schema?: string | undefined;
  readonly poolSize?: number | undefined;
  /** PGlite data folder; null keeps the embedded store in memory (tests). */
  readonly dataDir?: string | null | undefined;
  readonly engine?: Partial<EngineSettings> | undefined;
  readonly nodeId?: string | undefined;
  readonly now?: (() => Date) | undefined;
  readonly onError?: ((partition: number, error: unknown) => void) | undefined;
  readonly onBatch?: ((partition: number, size: number, commitMs: number) => void) | undefined;
}

export interface Croupier {
  /** Validates and executes one command; resolves once its batch is committed. */
  execute(input: CommandInput): Promise<Outcome>;
  readonly ready: boolean;
  readonly settings: EngineSettings;
  readonly sql: SqlClient;
  /** Checks the store answers a trivial query. */
  ping(): Promise<boolean>;
  verifyLedger(): Promise<LedgerProblem[]>;
  /** Refuses new commands, answers every queued one, then closes the store. */
  close(): Promise<void>;
}

export const defaultPoolSize = 16;

export async function openStore(options: CroupierOptions): Promise<SqlClient> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return openPostgres({
      connectionString: options.databaseUrl,
      poolSize: options.poolSize ?? defaultPoolSize,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
    });
  }
  return openPglite(options.dataDir === undefined ? './data' : options.dataDir);
}

export async function createCroupier(options: CroupierOptions = {}): Promise<Croupier> {
  const sql = await openStore(options);
  try {
    await migrate(sql);
    const embedded = sql.dialect === 'pglite' ? embeddedEngineDefaults : {};
    const settings: EngineSettings = { ...defaultEngineSettings, ...embedded, ...definedOnly(options.engine ?? {}) };
    const engine = await Engine.start(new LedgerStore(sql), settings, options.nodeId ?? `${hostname()}:${process.pid}`, {
      now: options.now ?? (() => new Date()),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      ...(options.onBatch === undefined ? {} : { onBatch: options.onBatch }),
    });
    return croupierOf(engine, sql, settings);
  } catch (error) {
    await sql.close();
    throw error;
  }
}

function croupierOf(engine: Engine, sql: SqlClient, settings: EngineSettings): Croupier {
  let closing: Promise<void> | null = null;
  return {
    execute: (input) => engine.execute(input),
    get ready() {
      return engine.ready;
    },
    settings,
    sql,
    async ping() {
      try {
        await sql.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    verifyLedger: () => verifyLedger(sql),
    close() {
      closing ??= engine.drain().then(() => sql.close());
      return closing;
    },
  };
}

/** Settings left undefined (an unset environment variable) fall back to the defaults. */
function definedOnly<T extends object>(settings: T): Partial<T> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<T>;
}
