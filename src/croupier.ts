import type { EventLog } from './ports/event-log.js';
import { EventLogStore } from './store/event-log-store.js';
import { hostname } from 'node:os';
import type { CommandInput } from './core/commands.js';
import type { Outcome } from './core/outcome.js';
import { CatalogueCache } from './engine/catalogue-cache.js';
import { Engine } from './engine/engine.js';
import type { CommitSubscriber, Subscription } from './engine/committed-batch.js';
import { ExpirySweeper } from './engine/expiry-sweeper.js';
import { defaultEngineSettings, embeddedEngineDefaults, type EngineSettings } from './engine/limits.js';
import type { BonusReader } from './ports/bonus-reader.js';
import type { CampaignCatalogue } from './ports/campaign-catalogue.js';
import type { AuditReader } from './ports/audit-log.js';
import type { GgrReader } from './ports/ggr-report.js';
import type { HistoryReader } from './ports/history-reader.js';
import type { PlayerDirectory } from './ports/player-directory.js';
import type { ProviderStorage } from './ports/provider-storage.js';
import { AuditStore } from './store/audit-store.js';
import { BonusStore } from './store/bonus-store.js';
import { CatalogueStore } from './store/catalogue-store.js';
import { HistoryStore } from './store/history-store.js';
import { LedgerStore } from './store/ledger-store.js';
import { migrate } from './store/migrate.js';
import { openPglite } from './store/pglite-client.js';
import { PlayerStore } from './store/player-store.js';
import { openPostgres } from './store/postgres-client.js';
import { ProviderStore } from './store/provider-store.js';
import { ReportStore } from './store/report-store.js';
import type { SqlClient } from './store/sql-client.js';
import { verifyLedger, type LedgerProblem } from './store/verify-ledger.js';
import type { WebhookStorage } from './ports/webhook-storage.js';
import { WebhookStore } from './store/webhook-store.js';

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
  /** Told of every committed and failed batch from the first command on (docs/architecture.md §7). */
  readonly subscribers?: readonly CommitSubscriber[] | undefined;
  /** How often campaigns and games are re-read (changes made through other nodes). */
  readonly catalogueRefreshMs?: number | undefined;
  /** How often the sweeper looks for bonuses past their expiry; 0 turns it off. */
  readonly expirySweepMs?: number | undefined;
  /** A store already open (see openStore), used instead of the one named above; the croupier closes it. */
  readonly client?: SqlClient | undefined;
}

export interface Croupier {
  /** Validates and executes one command; resolves once its batch is committed. */
  execute(input: CommandInput): Promise<Outcome>;
  /** Committed batches' events and balances, in sequence order per partition, from now on. */
  subscribe(subscriber: CommitSubscriber): Subscription;
  readonly ready: boolean;
  readonly settings: EngineSettings;
  /** Which store the croupier runs on. */
  readonly store: 'postgres' | 'pglite';
  /** Campaigns and games as this node holds them; a change saved here applies at once. */
  readonly catalogue: CampaignCatalogue;
  /** Committed transactions: pages of a player's history and look-ups by id. */
  readonly history: HistoryReader;
  /** Committed bonus grants and campaign totals. */
  readonly bonuses: BonusReader;
  /** Providers registered through the operator API (the provider registry reads them). */
  readonly providers: ProviderStorage;
  /** Committed players, for the operator's list. */
  readonly players: PlayerDirectory;
  /** The operator audit log. */
  readonly audit: AuditReader;
  /** Sums of the ledger for reports. */
  readonly reports: GgrReader;
  /** Committed events read back by partition and sequence: where a subscriber that missed some catches up. */
  readonly events: EventLog;
  /** Operator webhooks, their deliveries and the dispatcher's progress (docs/webhooks.md). */
  readonly webhooks: WebhookStorage;
  /** Expires every bonus past its time now (the sweeper does this on a timer). */
  sweepExpiredBonuses(): Promise<number>;
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
  const sql = options.client ?? (await openStore(options));
  try {
    await migrate(sql);
    const embedded = sql.dialect === 'pglite' ? embeddedEngineDefaults : {};
    const settings: EngineSettings = { ...defaultEngineSettings, ...embedded, ...definedOnly(options.engine ?? {}) };
    const catalogue = new CatalogueCache(new CatalogueStore(sql));
    await catalogue.start(options.catalogueRefreshMs ?? 5_000);
    const now = options.now ?? (() => new Date());
    const engine = await Engine.start(new LedgerStore(sql), settings, options.nodeId ?? `${hostname()}:${process.pid}`, {
      now,
      catalogue,
      subscribers: options.subscribers ?? [],
    });
    const bonuses = new BonusStore(sql);
    const sweeper = new ExpirySweeper(bonuses, engine, now);
    sweeper.start(options.expirySweepMs ?? 5_000);
    return croupierOf({ engine, sql, settings, catalogue, sweeper, bonuses });
  } catch (error) {
    await sql.close();
    throw error;
  }
}

interface Parts {
  readonly engine: Engine;
  readonly sql: SqlClient;
  readonly settings: EngineSettings;
  readonly catalogue: CatalogueCache;
  readonly sweeper: ExpirySweeper;
  readonly bonuses: BonusStore;
}

function croupierOf({ engine, sql, settings, catalogue, sweeper, bonuses }: Parts): Croupier {
  let closing: Promise<void> | null = null;
  return {
    execute: (input) => engine.execute(input),
    subscribe: (subscriber) => engine.subscribe(subscriber),
    get ready() {
      return engine.ready;
    },
    settings,
    store: sql.dialect,
    catalogue,
    history: new HistoryStore(sql),
    bonuses,
    providers: new ProviderStore(sql),
    players: new PlayerStore(sql),
    audit: new AuditStore(sql),
    reports: new ReportStore(sql),
    events: new EventLogStore(sql),
    webhooks: new WebhookStore(sql),
    sweepExpiredBonuses: () => sweeper.sweep(),
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
      closing ??= (async () => {
        sweeper.stop();
        catalogue.stop();
        await engine.drain();
        await sql.close();
      })();
      return closing;
    },
  };
}

/** Settings left undefined (an unset environment variable) fall back to the defaults. */
function definedOnly<T extends object>(settings: T): Partial<T> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<T>;
}
