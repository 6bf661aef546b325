/**
 * The PostgreSQL side of one group commit: runs the bench workload briefly against the engine on
 * PostgreSQL, and for a few batches of at least --min-batch commands runs the engine's own commit
 * statement under EXPLAIN (ANALYZE, BUFFERS, WAL) in a transaction that is rolled back, just
 * before the real commit. Also prints the size of the statement's parameters and the server's
 * WAL volume per operation over the run.
 *
 *   npx tsx bench/explain-commit.ts [--seconds 5] [--min-batch 200] [--samples 2]
 */
import { benchMoneyLimits } from './lib/bench-limits.js';
import { hostname } from 'node:os';
import { Command } from 'commander';
import { positiveInt } from './lib/cli-args.js';
import { commonOptions } from './lib/common-options.js';
import pg from 'pg';
import { Engine } from '../src/engine/engine.js';
import { defaultEngineSettings } from '../src/engine/limits.js';
import { LedgerStore } from '../src/store/ledger-store.js';
import { migrate } from '../src/store/migrate.js';
import { openPostgres } from '../src/store/postgres-client.js';
import type { SqlClient } from '../src/store/sql-client.js';
import { runClosedLoop } from './lib/runner.js';
import { benchCurrency, benchGame, benchSource, playerIdOf, Workload } from './lib/workload.js';


const options = new Command()
  .addOption(commonOptions.seconds('load seconds', 5, positiveInt))
  .addOption(commonOptions.players('players'))
  .option('--concurrency <n>', 'operations in flight', positiveInt, 2000)
  .option('--partitions <n>', 'partitions', positiveInt, 4)
  .option('--min-batch <n>', 'explain only batches at least this large', positiveInt, 200)
  .option('--samples <n>', 'batches to explain', positiveInt, 2)
  .option('--custom-plan', 'explain with a custom plan (as for the first five executions) instead of the generic one', false)
  .addOption(commonOptions.databaseUrl())
  .parse(process.argv)
  .opts<{ seconds: number; players: number; concurrency: number; partitions: number; minBatch: number; samples: number; customPlan: boolean; databaseUrl: string }>();

const schema = `bench_explain_${Date.now().toString(36)}_${process.pid}`;
const explainer = new pg.Client({ connectionString: options.databaseUrl, options: `-c search_path=${schema}` });
let explained = 0;
/** Set once seeding is done: only the workload's batches are explained. */
let armed = false;
let explaining: Promise<void> = Promise.resolve();

function textBytes(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + textBytes(item) + 3, 2);
  if (value === null || value === undefined) return 4;
  return Buffer.byteLength(String(value));
}

/** A parameter as PostgreSQL's text input (arrays as array literals). */
function literal(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  const element = (item: unknown): string => (item === null || item === undefined ? 'NULL' : `"${String(item).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `{${value.map(element).join(',')}}`;
}

/** The engine's SqlClient, with a look at some commits before they run. */
function spying(inner: SqlClient): SqlClient {
  return {
    ...inner,
    dialect: inner.dialect,
    concurrency: inner.concurrency,
    async query<Row>(text: string, params: readonly unknown[] = [], name?: string): Promise<Row[]> {
      // The longest array literal of a commit is its ledger ids ("{1,2,3}"): one per command.
      const commands = Math.max(0, ...params.map((value) => (typeof value === 'string' && value.startsWith('{') && value !== '{}' ? value.split(',').length : 0)));
      if (armed && name?.startsWith('croupier_commit_') === true && commands >= options.minBatch && explained < options.samples) {
        explained += 1;
        explaining = explaining.then(async () => {
          await explainer.query('BEGIN');
          // The engine runs the commit as a named prepared statement, which PostgreSQL plans
          // generically after its fifth execution; EXPLAIN of an unnamed one would get a custom plan.
          if (!options.customPlan) await explainer.query('SET LOCAL plan_cache_mode = force_generic_plan');
          try {
            let statement = `EXPLAIN (ANALYZE, BUFFERS, WAL, COSTS OFF) ${text}`;
            if (!options.customPlan) {
              // A SQL-level prepared statement, so that EXPLAIN EXECUTE shows the cached generic plan.
              await explainer.query(`PREPARE croupier_commit_generic AS ${text}`);
              statement = `EXPLAIN (ANALYZE, BUFFERS, WAL, COSTS OFF) EXECUTE croupier_commit_generic(${params.map((value) => explainer.escapeLiteral(literal(value))).join(', ')})`;
            }
            const plan = await explainer.query<{ 'QUERY PLAN': string }>(statement, options.customPlan ? (params as unknown[]) : []);
            console.log(`\n=== commit of ${commands} transactions; ${params.length} parameters, ~${(textBytes(params) / 1024).toFixed(0)} KiB as text ===`);
            for (const row of plan.rows) console.log(row['QUERY PLAN']);
          } finally {
            await explainer.query('ROLLBACK');
            if (!options.customPlan) await explainer.query('DEALLOCATE ALL');
          }
        });
        await explaining;
      }
      return inner.query<Row>(text, params, name);
    },
  };
}

async function walNow(client: pg.Client): Promise<{ records: number; bytes: number; fpi: number; commits: number }> {
  const wal = await client.query<{ wal_records: string; wal_bytes: string; wal_fpi: string }>('SELECT wal_records, wal_bytes, wal_fpi FROM pg_stat_wal');
  const db = await client.query<{ xact_commit: string }>('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()');
  const row = wal.rows[0];
  return { records: Number(row?.wal_records), bytes: Number(row?.wal_bytes), fpi: Number(row?.wal_fpi), commits: Number(db.rows[0]?.xact_commit) };
}

async function main(): Promise<void> {
  const sql = spying(await openPostgres({ connectionString: options.databaseUrl, poolSize: 16, schema }));
  await explainer.connect();
  try {
    await migrate(sql);
    const engine = await Engine.start(new LedgerStore(sql), { ...defaultEngineSettings, partitionCount: options.partitions, moneyLimits: benchMoneyLimits }, `${hostname()}:${process.pid}`, {
      now: () => new Date(),
    });
    const seed = await Promise.all(
      Array.from({ length: options.players }, (_, index) => engine.execute({ kind: 'register', playerId: playerIdOf(index), currency: benchCurrency })),
    );
    const deposits = await Promise.all(
      Array.from({ length: options.players }, (_, index) =>
        engine.execute({ kind: 'deposit', source: 'operator', transactionId: `seed-${index}`, playerId: playerIdOf(index), amount: 1_000_000_000n, currency: benchCurrency }),
      ),
    );
    if ([...seed, ...deposits].some((outcome) => !outcome.ok)) throw new Error('seeding was refused');
    const workload = new Workload({ players: options.players, zipfS: 1, seed: 42, idPrefix: `explain-${schema}`, winShare: 0.09, rollbackShare: 0.01 });
    armed = true;
    const before = await walNow(explainer);
    const run = await runClosedLoop(
      {
        async execute(op) {
          const outcome = await engine.execute(
            op.kind === 'rollback'
              ? { kind: 'rollback', source: benchSource, transactionId: op.transactionId, playerId: op.playerId, roundId: op.roundId, referenceTransactionId: op.bet.transactionId }
              : { kind: op.kind, source: benchSource, transactionId: op.transactionId, playerId: op.playerId, roundId: op.roundId, gameId: benchGame, amount: op.amount, currency: benchCurrency },
          );
          return outcome.ok ? { ok: true } : { ok: false, code: outcome.code };
        },
      },
      workload,
      { concurrency: options.concurrency, warmupSeconds: 0, seconds: options.seconds },
    );
    await explaining;
    const after = await walNow(explainer);
    const ops = run.answered;
    console.log(
      `\n${ops} operations (${run.opsPerSecond.toFixed(0)} ops/s incl. ${options.samples} explained batches); server-wide over the run: ` +
        `${((after.bytes - before.bytes) / ops).toFixed(0)} WAL bytes/op, ${((after.records - before.records) / ops).toFixed(1)} WAL records/op, ` +
        `${((after.fpi - before.fpi) / ops).toFixed(2)} full-page images/op, ${after.commits - before.commits} commits (${((after.commits - before.commits) / options.seconds).toFixed(0)}/s)`,
    );
    const tables = await explainer.query<{ relname: string; n_tup_ins: string; n_tup_upd: string; n_tup_hot_upd: string; seq_scan: string; idx_scan: string }>(
      `SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, seq_scan, idx_scan FROM pg_stat_user_tables WHERE schemaname = $1 AND relname IN ('players', 'transactions') ORDER BY relname`,
      [schema],
    );
    for (const row of tables.rows) console.log(`  ${row.relname}: ${row.n_tup_ins} inserted, ${row.n_tup_upd} updated (${row.n_tup_hot_upd} HOT), ${row.seq_scan} sequential scans, ${row.idx_scan} index scans`);
    await engine.drain();
  } finally {
    await sql.close();
    await explainer.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await explainer.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
