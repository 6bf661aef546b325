/**
 * npm run bench:engine -- [--seconds N] [--players N] [--only engine.postgres,...] [--json] ...
 *
 * One process, one workload for four variants (each --rounds times, in turn; ratios are medians over rounds):
 *   engine.postgres             Croupier's partitioned group-commit engine on PostgreSQL
 *   engine.postgres.bonus30     the same with 30% of the players wagering an active bonus
 *   baseline.row_lock.postgres  the classic design: one transaction per bet, SELECT … FOR UPDATE
 *   engine.pglite               the engine on the embedded PGlite store (single connection)
 * Each PostgreSQL variant works in a fresh scratch schema that is dropped at the end; the PGlite
 * variant in a temporary folder that is removed at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { namesFrom, nonNegative, positiveInt } from './lib/cli-args.js';
import pg from 'pg';
import type { CommandInput } from '../src/core/commands.js';
import { createCroupier, type Croupier } from '../src/croupier.js';
import type { EngineSettings } from '../src/engine/limits.js';
import { RowLockBaseline } from './baseline-row-lock.js';
import { runClosedLoop, type Answer, type RunResult, type Target } from './lib/runner.js';
import { median, round, Samples } from './lib/stats.js';
import { mulberry32 } from './lib/random.js';
import { benchCurrency, benchGame, benchSource, playerIdOf, Workload, type Op } from './lib/workload.js';

const variantNames = ['engine.postgres', 'engine.postgres.bonus30', 'baseline.row_lock.postgres', 'engine.pglite'] as const;

/** Share of players who wager an active bonus in the `bonus30` variant. */
const bonusPlayerShare = 0.3;
type VariantName = (typeof variantNames)[number];

const depositPerPlayer = 1_000_000_000n;




const program = new Command()
  .name('bench:engine')
  .description('Croupier engine vs a row-lock baseline on PostgreSQL, and the engine on PGlite')
  .option('--seconds <n>', 'measured seconds per variant', nonNegative, 15)
  .option('--rounds <n>', 'run the selected variants this many times, in turn; ratios and JSON lines are the median over rounds (the VM drifts between runs)', positiveInt, 1)
  .option('--warmup <n>', 'warm-up seconds per variant before measuring', nonNegative, 3)
  .option('--players <n>', 'players (registered and funded before timing)', positiveInt, 10_000)
  .option('--zipf <s>', 'Zipf exponent of player choice', nonNegative, 1.0)
  .option('--seed <n>', 'PRNG seed', positiveInt, 42)
  .option('--only <variants>', `comma-separated variants to run (${variantNames.join(', ')})`, namesFrom(variantNames, 'variant'))
  .option('--progress', 'print throughput every second while running', false)
  .option('--json', 'print one JSON object per line on stdout (the human table goes to stderr)', false)
  .option('--database-url <url>', 'PostgreSQL', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
  .option('--concurrency <n>', 'operations in flight for the engine on PostgreSQL', positiveInt, 4000)
  .option('--pglite-concurrency <n>', 'operations in flight for the engine on PGlite', positiveInt, 4000)
  .option('--baseline-concurrency <n>', 'operations in flight for the baseline', positiveInt, 64)
  .option('--baseline-pool-size <n>', 'connections of the baseline', positiveInt, 16)
  .option('--pool-size <n>', 'engine: PostgreSQL connections', positiveInt, 16)
  .option('--partitions <n>', 'engine on PostgreSQL: partitions (4 measured best on 2 cores)', positiveInt, 4)
  .option('--batch-size <n>', 'engine on PostgreSQL: commands per group commit (batchSizeMax)', positiveInt)
  .option('--pglite-partitions <n>', 'engine on PGlite: partitions (one connection, so 1 measured best)', positiveInt, 1)
  .option('--pglite-batch-size <n>', 'engine on PGlite: commands per group commit', positiveInt, 4096)
  .option('--batch-delay <ms>', 'engine: how long a writer waits for a batch to fill (batchDelayMs)', nonNegative)
  .addOption(new Option('--queue-length <n>', 'engine: queued commands per partition (queueLengthMax)').argParser(positiveInt))
  .addOption(new Option('--history <n>', 'engine: transactions and rounds cached per player (historyPerPlayerMax)').argParser(positiveInt))
  .addOption(new Option('--players-cached <n>', 'engine: players cached per partition (playersCachedMax)').argParser(positiveInt))
  .parse(process.argv);

interface Options {
  seconds: number;
  rounds: number;
  warmup: number;
  players: number;
  zipf: number;
  seed: number;
  only?: VariantName[];
  json: boolean;
  progress: boolean;
  databaseUrl: string;
  concurrency: number;
  pgliteConcurrency: number;
  baselineConcurrency: number;
  baselinePoolSize: number;
  poolSize: number;
  partitions: number;
  batchSize?: number;
  pglitePartitions: number;
  pgliteBatchSize: number;
  batchDelay?: number;
  queueLength?: number;
  history?: number;
  playersCached?: number;
}

const options = program.opts<Options>();

/** Scratch schemas and folders still to remove, also when the run is interrupted. */
const cleanups = new Set<() => Promise<void>>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: removing scratch schemas and folders ...`);
    void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() => process.exit(130));
  });
}

async function withCleanup<T>(cleanup: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  cleanups.add(cleanup);
  try {
    return await body();
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}
const out = options.json ? console.error : console.log;
const runTag = `${Date.now().toString(36)}_${process.pid}`;

function engineSettings(store: 'postgres' | 'pglite' = 'postgres'): Partial<EngineSettings> {
  const settings: { -readonly [K in keyof EngineSettings]?: EngineSettings[K] } = {};
  settings.partitionCount = store === 'postgres' ? options.partitions : options.pglitePartitions;
  const batchSize = store === 'postgres' ? options.batchSize : options.pgliteBatchSize;
  if (batchSize !== undefined) settings.batchSizeMax = batchSize;
  if (options.batchDelay !== undefined) settings.batchDelayMs = options.batchDelay;
  if (options.queueLength !== undefined) settings.queueLengthMax = options.queueLength;
  if (options.history !== undefined) settings.historyPerPlayerMax = options.history;
  if (options.playersCached !== undefined) settings.playersCachedMax = options.playersCached;
  // The queue must hold at least one full batch.
  if (settings.batchSizeMax !== undefined && settings.queueLengthMax === undefined && settings.batchSizeMax > 20_000) {
    settings.queueLengthMax = settings.batchSizeMax;
  }
  return settings;
}

function workloadFor(variant: VariantName): Workload {
  return new Workload({
    players: options.players,
    zipfS: options.zipf,
    seed: options.seed,
    idPrefix: `${variant.split('.')[0]}-${runTag}`,
    winShare: 0.09,
    rollbackShare: 0.01,
  });
}

/** Group-commit statistics of the measured window, from the engine's onBatch hook. */
class BatchStats {
  active = false;
  batches = 0;
  commands = 0;
  readonly commitMs = new Samples();
  readonly errors: string[] = [];

  record(size: number, commitMs: number): void {
    if (!this.active) return;
    this.batches += 1;
    this.commands += size;
    this.commitMs.add(commitMs);
  }
}

interface VariantResult {
  readonly name: VariantName;
  readonly run: RunResult;
  readonly concurrency: number;
  readonly ledgerProblems: number;
  readonly batches: BatchStats | null;
  readonly issued: Workload['issued'];
}

function progressOption(): { progress?: (line: string) => void } {
  return options.progress ? { progress: (line: string) => console.error(line) } : {};
}

function commandOf(op: Op): CommandInput {
  switch (op.kind) {
    case 'bet':
    case 'win':
      return {
        kind: op.kind,
        source: benchSource,
        transactionId: op.transactionId,
        playerId: op.playerId,
        roundId: op.roundId,
        gameId: benchGame,
        amount: op.amount,
        currency: benchCurrency,
      };
    case 'rollback':
      return {
        kind: 'rollback',
        source: benchSource,
        transactionId: op.transactionId,
        playerId: op.playerId,
        roundId: op.roundId,
        referenceTransactionId: op.bet.transactionId,
      };
  }
}

function engineTarget(croupier: Croupier): Target {
  return {
    async execute(op: Op): Promise<Answer> {
      const outcome = await croupier.execute(commandOf(op));
      return outcome.ok ? { ok: true } : { ok: false, code: outcome.code };
    },
  };
}

/** Registers and funds every player before timing. */
async function seedEngine(croupier: Croupier): Promise<void> {
  const chunk = 5_000;
  for (const kind of ['register', 'deposit'] as const) {
    for (let start = 0; start < options.players; start += chunk) {
      const end = Math.min(options.players, start + chunk);
      const outcomes = await Promise.all(
        Array.from({ length: end - start }, (_, offset) => {
          const playerId = playerIdOf(start + offset);
          return croupier.execute(
            kind === 'register'
              ? { kind, playerId, currency: benchCurrency }
              : { kind, source: 'operator', transactionId: `seed-${playerId}`, playerId, amount: depositPerPlayer, currency: benchCurrency },
          );
        }),
      );
      const refused = outcomes.find((outcome) => !outcome.ok);
      if (refused !== undefined && !refused.ok) throw new Error(`seeding (${kind}) was refused: ${refused.code} ${refused.message}`);
    }
  }
}

/**
 * Gives a bonus to a seeded-random 30% of the players: a large fixed bonus with a wagering
 * requirement no run reaches, so that every one of their bets is a wagering bet (bonus-first
 * debit, contribution, progress) for the whole measured window.
 */
async function grantBonuses(croupier: Croupier): Promise<number> {
  await croupier.catalogue.saveGames([{ gameId: benchGame, providerId: benchSource, category: 'slots', name: null }]);
  await croupier.catalogue.saveCampaign({
    campaignId: 'bench-bonus',
    name: 'bench bonus',
    type: 'fixed',
    currency: benchCurrency,
    code: null,
    matchPercent: 0,
    matchCap: 0n,
    minDeposit: 0n,
    fixedAmount: 1_000_000_000n,
    wageringMultiplier: 1000,
    wageringBase: 'bonus',
    contributions: { slots: 100, table: 10 },
    defaultContribution: 0,
    maxBet: null,
    maxConversion: null,
    validityMs: 30 * 86_400_000,
    forfeitOnWithdrawal: false,
    maxGrantsPerPlayer: null,
    fundsOrder: 'bonus_first',
    activeFrom: 0,
    activeUntil: null,
  });
  const random = mulberry32(options.seed + 7);
  const chosen = Array.from({ length: options.players }, (_, index) => index).filter(() => random() < bonusPlayerShare);
  const outcomes = await Promise.all(chosen.map((index) => croupier.execute({ kind: 'grant_bonus', playerId: playerIdOf(index), grantId: 'bench', campaignId: 'bench-bonus' })));
  const refused = outcomes.find((outcome) => !outcome.ok);
  if (refused !== undefined && !refused.ok) throw new Error(`granting bonuses was refused: ${refused.code} ${refused.message}`);
  return chosen.length;
}

async function runEngine(name: VariantName, open: (batches: BatchStats) => Promise<Croupier>, concurrency: number): Promise<VariantResult> {
  const batches = new BatchStats();
  const seedStarted = performance.now();
  const croupier = await open(batches);
  try {
    await seedEngine(croupier);
    if (name === 'engine.postgres.bonus30') out(`  ${name}: ${await grantBonuses(croupier)} players wager an active bonus`);
    out(`  ${name}: ${options.players} players registered and funded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; settings ${JSON.stringify(croupier.settings)}`);
    const workload = workloadFor(name);
    const run = await runClosedLoop(engineTarget(croupier), workload, {
      concurrency,
      warmupSeconds: options.warmup,
      seconds: options.seconds,
      onWindow: (phase) => (batches.active = phase === 'open'),
      ...progressOption(),
    });
    const problems = await croupier.verifyLedger();
    if (problems.length > 0) out(`  ${name}: LEDGER VERIFICATION FAILED, first problems: ${JSON.stringify(problems.slice(0, 5))}`);
    return { name, run, concurrency, ledgerProblems: problems.length, batches, issued: workload.issued };
  } finally {
    await croupier.close();
  }
}

function withScratchSchema<T>(schema: string, body: () => Promise<T>): Promise<T> {
  return withCleanup(async () => {
    const admin = new pg.Client({ connectionString: options.databaseUrl });
    try {
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } catch (error) {
      out(`  warning: could not drop scratch schema ${schema}: ${String(error)}`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }, body);
}

function hooks(name: string, batches: BatchStats) {
  return {
    onBatch: (_partition: number, size: number, commitMs: number) => batches.record(size, commitMs),
    onError: (partition: number, error: unknown) => {
      if (!interrupted && batches.errors.length < 5) {
        batches.errors.push(String(error));
        out(`  ${name}: partition ${partition} batch failed: ${String(error)}`);
      }
    },
  };
}

async function runVariant(name: VariantName): Promise<VariantResult> {
  switch (name) {
    case 'engine.postgres':
    case 'engine.postgres.bonus30': {
      const schema = name === 'engine.postgres' ? `bench_engine_${runTag}` : `bench_bonus_${runTag}`;
      return withScratchSchema(schema, () =>
        runEngine(
          name,
          (batches) =>
            createCroupier({
              databaseUrl: options.databaseUrl,
              schema,
              poolSize: options.poolSize,
              engine: engineSettings(),
              nodeId: `bench-${runTag}`,
              ...hooks(name, batches),
            }),
          options.concurrency,
        ),
      );
    }
    case 'engine.pglite': {
      const dataDir = await mkdtemp(join(tmpdir(), 'croupier-bench-'));
      return withCleanup(
        () => rm(dataDir, { recursive: true, force: true }),
        () =>
          runEngine(
            name,
            (batches) => createCroupier({ dataDir, engine: engineSettings('pglite'), nodeId: `bench-${runTag}`, ...hooks(name, batches) }),
            options.pgliteConcurrency,
          ),
      );
    }
    case 'baseline.row_lock.postgres': {
      const schema = `bench_baseline_${runTag}`;
      return withScratchSchema(schema, async () => {
        const baseline = await RowLockBaseline.open({ databaseUrl: options.databaseUrl, schema, poolSize: options.baselinePoolSize });
        try {
          const seedStarted = performance.now();
          await baseline.seed(options.players, depositPerPlayer);
          out(`  ${name}: ${options.players} players registered and funded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; pool ${options.baselinePoolSize}`);
          const workload = workloadFor(name);
          const run = await runClosedLoop(baseline, workload, {
            concurrency: options.baselineConcurrency,
            warmupSeconds: options.warmup,
            seconds: options.seconds,
            ...progressOption(),
          });
          const problems = await baseline.verifyLedger();
          if (problems.length > 0) out(`  ${name}: LEDGER VERIFICATION FAILED, first problems: ${JSON.stringify(problems.slice(0, 5))}`);
          return { name, run, concurrency: options.baselineConcurrency, ledgerProblems: problems.length, batches: null, issued: workload.issued };
        } finally {
          await baseline.close();
        }
      });
    }
  }
}

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

function fmt(value: number | null, digits = 1): string {
  return value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function printTable(results: readonly VariantResult[]): void {
  const header = [
    pad('variant', 27, true),
    pad('in flight', 9),
    pad('ops/s', 9),
    pad('p50 ms', 8),
    pad('p99 ms', 8),
    pad('max ms', 8),
    pad('ops', 9),
    pad('refused', 8),
    pad('ledger', 7),
    pad('node cpu', 9),
    pad('pg cpu', 7),
    pad('busy', 5),
    pad('batch', 6),
    pad('commit p50/p99 ms', 18),
  ].join(' ');
  out('');
  out(header);
  out('-'.repeat(header.length));
  for (const { name, run, concurrency, ledgerProblems, batches } of results) {
    const refused = Object.values(run.refused).reduce((sum, count) => sum + count, 0);
    const [commitP50 = Number.NaN, commitP99 = Number.NaN] = batches?.commitMs.percentiles(0.5, 0.99) ?? [];
    out(
      [
        pad(name, 27, true),
        pad(String(concurrency), 9),
        pad(run.opsPerSecond.toFixed(0), 9),
        pad(fmt(run.p50), 8),
        pad(fmt(run.p99), 8),
        pad(fmt(run.max), 8),
        pad(String(run.ops), 9),
        pad(String(refused), 8),
        pad(ledgerProblems === 0 ? 'ok' : `BAD:${ledgerProblems}`, 7),
        pad(fmt(run.cpu.node, 2), 9),
        pad(fmt(run.cpu.postgres, 2), 7),
        pad(run.cpu.machineBusy === null ? '-' : `${(run.cpu.machineBusy * 100).toFixed(0)}%`, 5),
        pad(batches === null || batches.batches === 0 ? '-' : (batches.commands / batches.batches).toFixed(0), 6),
        pad(batches === null || batches.batches === 0 ? '-' : `${fmt(commitP50)}/${fmt(commitP99)}`, 18),
      ].join(' '),
    );
  }
  out('');
  for (const { name, run, ledgerProblems, issued } of results) {
    const refusals = Object.entries(run.refused).map(([code, count]) => `${code}=${count}`);
    out(`  ${name}: refused ${refusals.length === 0 ? 'none' : refusals.join(' ')} (of ${run.answered} answered incl. warm-up)`);
    out(`  ${name}: verifyLedger() ${ledgerProblems === 0 ? 'returned [] — the ledger balances' : `returned ${ledgerProblems} problem rows — THE LEDGER IS BROKEN`}`);
    out(
      `  ${name}: measured mix ${Object.entries(run.byKind).map(([kind, count]) => `${kind} ${((count / run.ops) * 100).toFixed(1)}%`).join(', ')}; ` +
        `settles that fell back to another player's bet ${issued.winFallback}, turned into bets ${issued.settleAsBet}`,
    );
    out(
      `  ${name}: event-loop delay p99 ${fmt(run.loopDelayP99)} ms, max ${fmt(run.loopDelayMax)} ms` +
        (run.stalls > 0 ? `; ${run.stalls} times the event loop did not turn for > 100 ms (microtask-only loop) and the submitters stepped aside` : ''),
    );
  }
  out('  cpu columns: cores used during the measured window (node = this process, pg = all postgres processes); busy = whole machine');
}

async function main(): Promise<void> {
  const selected = options.only ?? [...variantNames];
  const probe = new Workload({ players: options.players, zipfS: options.zipf, seed: 1, idPrefix: 'probe', winShare: 0.09, rollbackShare: 0.01 });
  out(
    `bench:engine — ${options.players} players, Zipf s=${options.zipf} (hottest player ${(probe.hottestShare * 100).toFixed(1)}% of ops), ` +
      `90% bet / 9% win / 1% rollback, ${options.warmup} s warm-up + ${options.seconds} s measured per variant; ` +
      `engine on PostgreSQL ${JSON.stringify(engineSettings())}, on PGlite ${JSON.stringify(engineSettings('pglite'))}, pool ${options.poolSize}`,
  );
  const rounds: Map<VariantName, VariantResult>[] = [];
  for (let index = 0; index < options.rounds; index += 1) {
    const turn = new Map<VariantName, VariantResult>();
    for (const name of selected) {
      out(`running ${name}${options.rounds > 1 ? ` (round ${index + 1} of ${options.rounds})` : ''} ...`);
      turn.set(name, await runVariant(name));
    }
    rounds.push(turn);
  }
  const results = rounds.flatMap((turn) => [...turn.values()]);
  printTable(results);

  const engineRatios = ratiosOf(rounds, 'engine.postgres', 'baseline.row_lock.postgres');
  const ratio = median(engineRatios);
  if (ratio !== null) out(`  ratio.engine_vs_row_lock = ${ratio.toFixed(1)}× (engine.postgres ops/s / baseline.row_lock.postgres ops/s, same round${roundsNote(engineRatios, 1)})`);
  const bonusRatios = ratiosOf(rounds, 'engine.postgres.bonus30', 'engine.postgres');
  const bonusRatio = median(bonusRatios);
  if (bonusRatio !== null) {
    out(
      `  ratio.bonus30_vs_plain = ${bonusRatio.toFixed(3)} (engine.postgres.bonus30 ops/s / engine.postgres ops/s, same round${roundsNote(bonusRatios, 3)}; ` +
        `wagering costs ${((1 - bonusRatio) * 100).toFixed(1)}% of throughput)`,
    );
  }

  if (options.json) {
    for (const name of selected) {
      const runs = rounds.map((turn) => turn.get(name)).filter((result) => result !== undefined);
      const { run, ledgerProblems } = medianRun(runs);
      const refused = Object.values(run.refused).reduce((sum, count) => sum + count, 0);
      console.log(
        JSON.stringify({
          name,
          ops_per_s: round(run.opsPerSecond, 1),
          p50_ms: round(run.p50, 3),
          p99_ms: round(run.p99, 3),
          ops: run.ops,
          refused,
          ledger_ok: runs.every((result) => result.ledgerProblems === 0) && ledgerProblems === 0,
          ...(runs.length > 1 ? { rounds: runs.length, ops_per_s_each: runs.map((result) => round(result.run.opsPerSecond, 1)) } : {}),
        }),
      );
    }
    if (ratio !== null) console.log(JSON.stringify({ name: 'ratio.engine_vs_row_lock', value: round(ratio, 2), ...(engineRatios.length > 1 ? { each: engineRatios.map((value) => round(value, 2)) } : {}) }));
    if (bonusRatio !== null) console.log(JSON.stringify({ name: 'ratio.bonus30_vs_plain', value: round(bonusRatio, 3), ...(bonusRatios.length > 1 ? { each: bonusRatios.map((value) => round(value, 3)) } : {}) }));
  }
  if (results.some((result) => result.ledgerProblems > 0)) process.exitCode = 1;
}

/** numerator ÷ denominator ops/s for every round that ran both. */
function ratiosOf(rounds: readonly Map<VariantName, VariantResult>[], numerator: VariantName, denominator: VariantName): number[] {
  return rounds.flatMap((turn) => {
    const top = turn.get(numerator);
    const bottom = turn.get(denominator);
    return top !== undefined && bottom !== undefined && bottom.run.opsPerSecond > 0 ? [top.run.opsPerSecond / bottom.run.opsPerSecond] : [];
  });
}

/** The run with the median ops/s (the lower middle one for an even count). */
function medianRun(runs: readonly VariantResult[]): VariantResult {
  const sorted = [...runs].sort((left, right) => left.run.opsPerSecond - right.run.opsPerSecond);
  const chosen = sorted[Math.floor((sorted.length - 1) / 2)];
  if (chosen === undefined) throw new Error('invariant violated: a selected variant ran');
  return chosen;
}

function roundsNote(values: readonly number[], digits: number): string {
  return values.length > 1 ? `; median of ${values.length} rounds: ${values.map((value) => value.toFixed(digits)).join(', ')}` : '';
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
