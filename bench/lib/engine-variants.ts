import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCroupier, type Croupier } from '../../src/croupier.js';
import { RowLockBaseline } from '../baseline-row-lock.js';
import { grantBonuses } from './bench-bonus.js';
import { BatchStats } from './batch-stats.js';
import { batchStatsSubscriber } from './engine-hooks.js';
import type { EngineOptions, VariantName } from './engine-options.js';
import { seedEngine } from './engine-seed.js';
import { engineSettings } from './engine-settings.js';
import { engineTarget } from './engine-target.js';
import { runClosedLoop, type RunResult } from './runner.js';
import type { ScratchCleanups } from './scratch-cleanups.js';
import { dropScratchSchema } from './scratch-schema.js';
import { Workload } from './workload.js';

const depositPerPlayer = 1_000_000_000n;

/** What every variant of one bench:engine run shares. */
export interface EngineBench {
  readonly options: EngineOptions;
  /** The human lines: stdout, or stderr with --json. */
  readonly out: (line: string) => void;
  /** Makes schemas, node and transaction ids unique to this run. */
  readonly runTag: string;
  readonly cleanups: ScratchCleanups;
}

export interface VariantResult {
  readonly name: VariantName;
  readonly run: RunResult;
  readonly concurrency: number;
  readonly ledgerProblems: number;
  readonly batches: BatchStats | null;
  readonly issued: Workload['issued'];
}

/** Runs one variant in its own scratch schema (or PGlite folder), removed afterwards. */
export async function runVariant(bench: EngineBench, name: VariantName): Promise<VariantResult> {
  const { options, runTag } = bench;
  switch (name) {
    case 'engine.postgres':
    case 'engine.postgres.bonus30': {
      const schema = name === 'engine.postgres' ? `bench_engine_${runTag}` : `bench_bonus_${runTag}`;
      return withScratchSchema(bench, schema, () =>
        runEngine(bench, name, (batches) => openOnPostgres(bench, name, schema, batches), options.concurrency),
      );
    }
    case 'engine.pglite': {
      const dataDir = await mkdtemp(join(tmpdir(), 'croupier-bench-'));
      return bench.cleanups.around(
        () => rm(dataDir, { recursive: true, force: true }),
        () =>
          runEngine(
            bench,
            name,
            (batches) => createCroupier({ dataDir, engine: engineSettings(options, 'pglite'), nodeId: `bench-${runTag}`, ...hooksOf(bench, name, batches) }),
            options.pgliteConcurrency,
          ),
      );
    }
    case 'baseline.row_lock.postgres': {
      const schema = `bench_baseline_${runTag}`;
      return withScratchSchema(bench, schema, () => runBaseline(bench, name, schema));
    }
  }
}

function openOnPostgres(bench: EngineBench, name: VariantName, schema: string, batches: BatchStats): Promise<Croupier> {
  const { options, runTag } = bench;
  return createCroupier({
    databaseUrl: options.databaseUrl,
    schema,
    poolSize: options.poolSize,
    engine: engineSettings(options),
    nodeId: `bench-${runTag}`,
    ...hooksOf(bench, name, batches),
  });
}

function hooksOf(bench: EngineBench, name: VariantName, batches: BatchStats) {
  return batchStatsSubscriber(name, batches, bench.out, () => bench.cleanups.interrupted);
}

async function runEngine(bench: EngineBench, name: VariantName, open: (batches: BatchStats) => Promise<Croupier>, concurrency: number): Promise<VariantResult> {
  const { options, out } = bench;
  const batches = new BatchStats();
  const seedStarted = performance.now();
  const croupier = await open(batches);
  try {
    await seedEngine(croupier, options.players, depositPerPlayer);
    if (name === 'engine.postgres.bonus30') out(`  ${name}: ${await grantBonuses(croupier, options.players, options.seed)} players wager an active bonus`);
    out(`  ${name}: ${options.players} players registered and funded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; settings ${JSON.stringify(croupier.settings)}`);
    const workload = workloadFor(bench, name);
    const run = await runClosedLoop(engineTarget(croupier), workload, {
      concurrency,
      warmupSeconds: options.warmup,
      seconds: options.seconds,
      onWindow: (phase) => (batches.active = phase === 'open'),
      ...progressOption(options),
    });
    const problems = await croupier.verifyLedger();
    if (problems.length > 0) out(`  ${name}: LEDGER VERIFICATION FAILED, first problems: ${JSON.stringify(problems.slice(0, 5))}`);
    return { name, run, concurrency, ledgerProblems: problems.length, batches, issued: workload.issued };
  } finally {
    await croupier.close();
  }
}

async function runBaseline(bench: EngineBench, name: VariantName, schema: string): Promise<VariantResult> {
  const { options, out } = bench;
  const baseline = await RowLockBaseline.open({ databaseUrl: options.databaseUrl, schema, poolSize: options.baselinePoolSize });
  try {
    const seedStarted = performance.now();
    await baseline.seed(options.players, depositPerPlayer);
    out(`  ${name}: ${options.players} players registered and funded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; pool ${options.baselinePoolSize}`);
    const workload = workloadFor(bench, name);
    const run = await runClosedLoop(baseline, workload, {
      concurrency: options.baselineConcurrency,
      warmupSeconds: options.warmup,
      seconds: options.seconds,
      ...progressOption(options),
    });
    const problems = await baseline.verifyLedger();
    if (problems.length > 0) out(`  ${name}: LEDGER VERIFICATION FAILED, first problems: ${JSON.stringify(problems.slice(0, 5))}`);
    return { name, run, concurrency: options.baselineConcurrency, ledgerProblems: problems.length, batches: null, issued: workload.issued };
  } finally {
    await baseline.close();
  }
}

function withScratchSchema<T>(bench: EngineBench, schema: string, body: () => Promise<T>): Promise<T> {
  return bench.cleanups.around(() => dropScratchSchema(bench.options.databaseUrl, schema, bench.out), body);
}

/** The same operation mix for every variant; the prefix keeps each variant's ids apart. */
function workloadFor(bench: EngineBench, variant: VariantName): Workload {
  return new Workload({
    players: bench.options.players,
    zipfS: bench.options.zipf,
    seed: bench.options.seed,
    idPrefix: `${variant.split('.')[0]}-${bench.runTag}`,
    winShare: 0.09,
    rollbackShare: 0.01,
  });
}

function progressOption(options: EngineOptions): { progress?: (line: string) => void } {
  return options.progress ? { progress: (line: string) => console.error(line) } : {};
}
