import { Command, Option } from 'commander';
import { namesFrom, nonNegative, nonNegativeInt, positiveInt } from './cli-args.js';
import { commonOptions } from './common-options.js';

export const phaseNames = ['ceiling', 'http', 'bet', 'half'] as const;
export type PhaseName = (typeof phaseNames)[number];
/** `http` (the HTTP layer alone) runs only when asked for with --only. */
const defaultPhases: readonly PhaseName[] = ['ceiling', 'bet', 'half'];
/** Seconds of load one run may ask for: bounds a bench on a shared machine. */
const loadSecondsMax = 120;

export interface HttpOptions {
  readonly seconds: number;
  readonly warmup: number;
  readonly connections: number;
  readonly players: number;
  readonly zipf: number;
  readonly seed: number;
  readonly json: boolean;
  readonly databaseUrl: string;
  readonly only?: PhaseName[];
  readonly partitions: number;
  readonly poolSize?: number;
  readonly logLevel: string;
  readonly idleWait: number;
  readonly timeline: boolean;
  readonly rounds: number;
  readonly cpuProf?: string;
  readonly gcTrace: boolean;
  readonly rate?: number;
}

/** The command line of bench:http and the phases it selects; commander prints --help and usage errors and exits from here. */
export function parseHttpOptions(argv: readonly string[]): { readonly options: HttpOptions; readonly phases: readonly PhaseName[] } {
  const program = commandLine().parse(argv);
  const options = program.opts<HttpOptions>();
  const phases = options.only ?? [...defaultPhases];
  if (phases.includes('half') && !phases.includes('bet') && options.rate === undefined) program.error('--only: half runs at half the rate measured by bet; add bet');
  const phaseRuns = phases.reduce((sum, name) => sum + (name === 'ceiling' || name === 'bet' ? options.rounds : 1), 0);
  if (phaseRuns * (options.warmup + options.seconds) > loadSecondsMax) {
    program.error(`${phaseRuns} phase runs × (${options.warmup} + ${options.seconds}) s exceeds ${loadSecondsMax} s of load`);
  }
  return { options, phases };
}

function commandLine(): Command {
  return new Command()
    .name('bench:http')
    .description('Signed provider bets over HTTP on PostgreSQL vs a constant Fastify route (the HTTP ceiling)')
    .addOption(commonOptions.seconds('measured seconds per phase', 10))
    .option('--warmup <n>', 'warm-up seconds per phase', nonNegative, 2)
    .option('--rounds <n>', 'times the ceiling and bet phases run, in turn, then the half-peak phase; each target is judged on the median of the rounds', positiveInt, 3)
    .option('--connections <n>', 'keep-alive connections of the load generator (= requests in flight, closed loop); 256 left the service idle a third of the time, its batches in lock-step with the generator', positiveInt, 768)
    .addOption(commonOptions.players('players registered and funded before timing'))
    .option('--zipf <s>', 'Zipf exponent of the player choice; 0 = uniform', nonNegative, 0)
    .addOption(commonOptions.seed('PRNG seed of the load generator'))
    .option('--json', 'one JSON object per line on stdout (the table goes to stderr)', false)
    .addOption(commonOptions.databaseUrl())
    .addOption(new Option('--only <phases>', `phases to run (${phaseNames.join(', ')}; default ${defaultPhases.join(', ')}); half needs bet`).argParser(namesFrom(phaseNames, 'phase')))
    .option('--partitions <n>', 'service: CROUPIER_PARTITIONS; 0 = the service default (8). 1 measured best over HTTP on 2 cores (bigger commits; the HTTP layer, not the engine, is the limit)', nonNegativeInt, 1)
    .addOption(new Option('--pool-size <n>', 'service: CROUPIER_POOL_SIZE (unset = the service default)').argParser(positiveInt))
    .option('--log-level <level>', 'service: LOG_LEVEL (info, as shipped: a provider call that succeeds logs only at debug)', 'info')
    .addOption(new Option('--rate <n>', 'run the open loop at this rate instead of half the measured peak (phase http.bet.postgres.fixed_rate; compares CPU per bet between builds at one load)').argParser(positiveInt))
    .option('--timeline', 'print each second of every measured window: answers, p99 and max latency', false)
    .option('--idle-wait <s>', 'before each phase, wait up to this long for the machine to be < 25% busy (a shared machine)', nonNegative, 60)
    .option('--cpu-prof <dir>', 'run the service with --cpu-prof, writing the profile to this folder when it stops')
    .option('--gc-trace', "run the service with --trace-gc-nvp and report its collections in each of its measured windows (scavenges, pauses, what they copied)", false);
}
