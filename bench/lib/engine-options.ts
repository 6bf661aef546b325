import { Command, Option } from 'commander';
import { namesFrom, nonNegative, positiveInt } from './cli-args.js';
import { commonOptions } from './common-options.js';

export const variantNames = ['engine.postgres', 'engine.postgres.bonus30', 'baseline.row_lock.postgres', 'engine.pglite'] as const;
export type VariantName = (typeof variantNames)[number];

export interface EngineOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly players: number;
  readonly zipf: number;
  readonly seed: number;
  readonly only?: VariantName[];
  readonly json: boolean;
  readonly progress: boolean;
  readonly databaseUrl: string;
  readonly concurrency: number;
  readonly pgliteConcurrency: number;
  readonly baselineConcurrency: number;
  readonly baselinePoolSize: number;
  readonly poolSize: number;
  readonly partitions: number;
  readonly batchSize?: number;
  readonly pglitePartitions: number;
  readonly pgliteBatchSize: number;
  readonly batchDelay?: number;
  readonly queueLength?: number;
  readonly history?: number;
  readonly playersCached?: number;
}

/** The command line of bench:engine; commander prints --help and exits from here. */
export function parseEngineOptions(argv: readonly string[]): EngineOptions {
  const program = new Command()
    .name('bench:engine')
    .description('Croupier engine vs a row-lock baseline on PostgreSQL, and the engine on PGlite')
    .addOption(commonOptions.seconds('measured seconds per variant', 15))
    .option('--rounds <n>', 'run the selected variants this many times, in turn; ratios and JSON lines are the median over rounds (the VM drifts between runs)', positiveInt, 1)
    .option('--warmup <n>', 'warm-up seconds per variant before measuring', nonNegative, 3)
    .addOption(commonOptions.players('players (registered and funded before timing)'))
    .option('--zipf <s>', 'Zipf exponent of player choice', nonNegative, 1.0)
    .addOption(commonOptions.seed('PRNG seed'))
    .option('--only <variants>', `comma-separated variants to run (${variantNames.join(', ')})`, namesFrom(variantNames, 'variant'))
    .option('--progress', 'print throughput every second while running', false)
    .option('--json', 'print one JSON object per line on stdout (the human table goes to stderr)', false)
    .addOption(commonOptions.databaseUrl())
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
    .parse(argv);
  return program.opts<EngineOptions>();
}
