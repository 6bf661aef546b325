/**
 * npm run bench:http -- [--seconds N] [--warmup N] [--connections N] [--players N] [--json] ...
 *
 * Signed provider bets over HTTP against the real service on PostgreSQL, compared with the
 * machine's HTTP ceiling, in one run. Four processes besides PostgreSQL:
 *   - this one: starts the others, registers and funds the players through the operator API,
 *     reads CPU use from /proc, prints the results; idle while load runs;
 *   - the Croupier service, run as `npm start` runs it (the same heap flags) on a scratch schema
 *     of DATABASE_URL (CROUPIER_DB_SCHEMA), dropped at the end (also on Ctrl-C);
 *   - the ceiling: a plain Fastify server whose POST /bet answers a constant
 *     (bench/lib/http-ceiling-server.ts);
 *   - the load generator, one per phase (bench/lib/http-load.ts): undici keep-alive connections,
 *     one request on the wire each, signing every request (closed loop: bench/lib/closed-loop.ts).
 * Phases, each a warm-up and a measured window:
 *   http.ceiling.fastify         closed loop, `--connections` in flight, against the ceiling
 *   http.bet.no_engine           (only with --only …,http) the same bets against Croupier's HTTP app
 *                                over an engine that answers at once (bench/lib/http-no-engine-server.ts):
 *                                the HTTP layer's share of the cost
 *   http.bet.postgres            closed loop, `--connections` in flight, POST /v1/provider/bet
 *   http.bet.postgres.half_peak  open loop at half the median bet round's rate
 * The ceiling and bet phases run `--rounds` times in turn (ceiling, bet, bet, ceiling, ceiling, …), and
 * ratio.bet_vs_http_ceiling is the median of each round's bet ops/s ÷ ceiling ops/s: on a shared VM
 * whose speed drifts by minutes, a drift between two phases then skews one round, not the ratio.
 * The half-peak phase then runs `--rounds` times too, and the p99 against its target is the
 * median of those rounds' p99s (p99.half_peak), each printed.
 * Targets: ratio ≥ 0.5, p99 ≤ 25 ms at half the peak rate.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Command, Option } from 'commander';
import { namesFrom, nonNegative, nonNegativeInt, positiveInt } from './lib/cli-args.js';
import pg from 'pg';
import { Pool } from 'undici';
import { openPostgres } from '../src/store/postgres-client.js';
import { verifyLedger } from '../src/store/verify-ledger.js';
import { clientPortsOf, cpuPoint, cpuSplit, machineTicks, type CpuPoint, type CpuSplit } from './lib/http-cpu.js';
import type { GcSummary, GcTrace } from './lib/gc-trace.js';
import type { LoadConfig, LoadResult } from './lib/http-load.js';
import { runLoad, startCeiling, startCroupier, startNoEngine, stop, type Child } from './lib/http-processes.js';
import { median, round } from './lib/stats.js';

const phaseNames = ['ceiling', 'http', 'bet', 'half'] as const;
type PhaseName = (typeof phaseNames)[number];
/** `http` (the HTTP layer alone) runs only when asked for with --only. */
const defaultPhases: readonly PhaseName[] = ['ceiling', 'bet', 'half'];
const loadSecondsMax = 120;





const program = new Command()
  .name('bench:http')
  .description('Signed provider bets over HTTP on PostgreSQL vs a constant Fastify route (the HTTP ceiling)')
  .option('--seconds <n>', 'measured seconds per phase', nonNegative, 10)
  .option('--warmup <n>', 'warm-up seconds per phase', nonNegative, 2)
  .option('--rounds <n>', 'times the ceiling and bet phases run, in turn, then the half-peak phase; each target is judged on the median of the rounds', positiveInt, 3)
  .option('--connections <n>', 'keep-alive connections of the load generator (= requests in flight, closed loop); 256 left the service idle a third of the time, its batches in lock-step with the generator', positiveInt, 768)
  .option('--players <n>', 'players registered and funded before timing', positiveInt, 10_000)
  .option('--zipf <s>', 'Zipf exponent of the player choice; 0 = uniform', nonNegative, 0)
  .option('--seed <n>', 'PRNG seed of the load generator', positiveInt, 42)
  .option('--json', 'one JSON object per line on stdout (the table goes to stderr)', false)
  .option('--database-url <url>', 'PostgreSQL', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
  .addOption(new Option('--only <phases>', `phases to run (${phaseNames.join(', ')}; default ${defaultPhases.join(', ')}); half needs bet`).argParser(namesFrom(phaseNames, 'phase')))
  .option('--partitions <n>', 'service: CROUPIER_PARTITIONS; 0 = the service default (8). 1 measured best over HTTP on 2 cores (bigger commits; the HTTP layer, not the engine, is the limit)', nonNegativeInt, 1)
  .addOption(new Option('--pool-size <n>', 'service: CROUPIER_POOL_SIZE (unset = the service default)').argParser(positiveInt))
  .option('--log-level <level>', 'service: LOG_LEVEL (info, as shipped: a provider call that succeeds logs only at debug)', 'info')
  .addOption(new Option('--rate <n>', 'run the open loop at this rate instead of half the measured peak (phase http.bet.postgres.fixed_rate; compares CPU per bet between builds at one load)').argParser(positiveInt))
  .option('--timeline', 'print each second of every measured window: answers, p99 and max latency', false)
  .option('--idle-wait <s>', 'before each phase, wait up to this long for the machine to be < 25% busy (a shared machine)', nonNegative, 60)
  .option('--cpu-prof <dir>', 'run the service with --cpu-prof, writing the profile to this folder when it stops')
  .option('--gc-trace', "run the service with --trace-gc-nvp and report its collections in each of its measured windows (scavenges, pauses, what they copied)", false)
  .parse(process.argv);

interface Options {
  seconds: number;
  warmup: number;
  connections: number;
  players: number;
  zipf: number;
  seed: number;
  json: boolean;
  databaseUrl: string;
  only?: PhaseName[];
  partitions: number;
  poolSize?: number;
  logLevel: string;
  idleWait: number;
  timeline: boolean;
  rounds: number;
  cpuProf?: string;
  gcTrace: boolean;
  rate?: number;
}

const options = program.opts<Options>();
const phases = options.only ?? [...defaultPhases];
if (phases.includes('half') && !phases.includes('bet') && options.rate === undefined) program.error('--only: half runs at half the rate measured by bet; add bet');
const phaseRuns = phases.reduce((sum, name) => sum + (name === 'ceiling' || name === 'bet' ? options.rounds : 1), 0);
if (phaseRuns * (options.warmup + options.seconds) > loadSecondsMax) {
  program.error(`${phaseRuns} phase runs × (${options.warmup} + ${options.seconds}) s exceeds ${loadSecondsMax} s of load`);
}

const out = options.json ? console.error : console.log;
const runTag = `${Date.now().toString(36)}_${process.pid}`;
const schema = `bench_http_${runTag}`;
const provider = { id: 'bench-http', secret: `bench-http-secret-${runTag}` };
const operatorKey = `bench-http-operator-${runTag}`;
const playerPrefix = 'bench-player-';
const funding = 1_000_000_000n;
const startMs = 60_000;
const stopMs = 15_000;
const postgresPort = Number(new URL(options.databaseUrl).port || '5432');

const children = new Set<Child>();
/** The service's collections when --gc-trace is on. */
let serviceGc: GcTrace | null = null;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping children, dropping ${schema} ...`);
    void Promise.allSettled([...children].map((child) => stop(child, 5_000)))
      .then(() => dropSchema())
      .finally(() => process.exit(130));
  });
}

async function dropSchema(): Promise<void> {
  const admin = new pg.Client({ connectionString: options.databaseUrl });
  try {
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } catch (error) {
    out(`  warning: could not drop scratch schema ${schema}: ${String(error)}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Registers and funds every player through the operator API, 64 requests at a time. */
async function seedPlayers(url: string): Promise<void> {
  const pool = new Pool(url, { connections: 32, pipelining: 1 });
  const headers = { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' };
  const post = async (path: string, body: object, expected: number): Promise<void> => {
    const response = await pool.request({ method: 'POST', path, headers, body: JSON.stringify(body) });
    const text = await response.body.text();
    if (response.statusCode !== expected) throw new Error(`POST ${path}: ${response.statusCode} ${text}`);
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.players) {
      const playerId = `${playerPrefix}${next++}`;
      await post('/v1/players', { player_id: playerId, currency: 'EUR' }, 201);
      await post(`/v1/players/${playerId}/deposits`, { transaction_id: `seed-${playerId}`, amount: funding.toString() }, 200);
    }
  };
  try {
    await Promise.all(Array.from({ length: 64 }, () => worker()));
  } finally {
    await pool.close();
  }
}

/**
 * Waits until the machine was less than 25% busy over one second (other users of a shared machine
 * skew every figure), for at most --idle-wait seconds; says how busy it was.
 */
async function waitForIdle(what: string): Promise<void> {
  const deadline = Date.now() + options.idleWait * 1000;
  const sample = async (): Promise<number> => {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = machineTicks();
    return before === null || after === null || after.total === before.total ? 0 : (after.busy - before.busy) / (after.total - before.total);
  };
  if (options.idleWait === 0) return;
  let busy = await sample();
  while (busy >= 0.25 && Date.now() < deadline) busy = await sample();
  if (busy >= 0.25) out(`  warning: the machine is still ${(busy * 100).toFixed(0)}% busy before ${what}; measuring anyway (see the "other" column)`);
}

/** The PostgreSQL backends serving `pid`'s connections, found through their client ports. */
async function backendsOf(admin: pg.Client, pid: number): Promise<number[]> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const ports = clientPortsOf(pid, postgresPort);
    if (ports.length > 0) {
      const rows = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])`, [ports]);
      if (rows.rows.length > 0) return rows.rows.map((row) => row.pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}

/** Maintenance PostgreSQL did meanwhile: autovacuum / autoanalyze runs on the scratch schema, checkpoints. */
async function maintenance(admin: pg.Client): Promise<{ autovacuum: number; autoanalyze: number; checkpoints: number }> {
  const tables = await admin.query<{ autovacuum: string; autoanalyze: string }>(
    `SELECT coalesce(sum(autovacuum_count), 0)::text AS autovacuum, coalesce(sum(autoanalyze_count), 0)::text AS autoanalyze
     FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema],
  );
  const bgwriter = await admin.query<{ checkpoints: string }>(`SELECT (checkpoints_timed + checkpoints_req)::text AS checkpoints FROM pg_stat_bgwriter`);
  return {
    autovacuum: Number(tables.rows[0]?.autovacuum ?? 0),
    autoanalyze: Number(tables.rows[0]?.autoanalyze ?? 0),
    checkpoints: Number(bgwriter.rows[0]?.checkpoints ?? 0),
  };
}

interface PhaseResult {
  readonly name: string;
  /** Which round of the ceiling, bet or half-peak phase (1-based); null for phases that run once. */
  readonly round: number | null;
  readonly mode: string;
  readonly load: LoadResult;
  readonly cpu: CpuSplit | null;
  readonly backends: number;
  readonly rate: number | null;
  /** The measured window, `performance.now()` at its edges. */
  readonly window: { readonly from: number; readonly to: number } | null;
}

/** Runs one load phase against `target`, reading CPU from /proc at the edges of the measured window. */
async function phase(
  name: string,
  round: number | null,
  admin: pg.Client,
  target: Child,
  config: Omit<LoadConfig, 'providerId' | 'secret' | 'players' | 'playerPrefix' | 'zipf' | 'connections' | 'warmupSeconds' | 'seconds'>,
): Promise<PhaseResult> {
  // Set in the load callbacks: typed so that the checks below do not narrow them to their initial null.
  let start = null as CpuPoint | null;
  let startWaiting: Promise<void> = Promise.resolve();
  let end = null as CpuPoint | null;
  let backendPids: number[] = [];
  const pids = (loadPid: number) => ({ server: target.pid, load: loadPid, bench: process.pid });
  await waitForIdle(round === null ? name : `${name} (round ${round})`);
  const load = await runLoad(
    {
      ...config,
      providerId: provider.id,
      secret: provider.secret,
      players: options.players,
      playerPrefix,
      zipf: options.zipf,
      connections: options.connections,
      warmupSeconds: options.warmup,
      seconds: options.seconds,
    },
    (loadPid) => {
      startWaiting = backendsOf(admin, target.pid)
        .catch(() => [])
        .then((found) => {
          backendPids = found;
          start = cpuPoint(pids(loadPid), backendPids);
        });
    },
    (loadPid) => {
      end = cpuPoint(pids(loadPid), backendPids);
    },
  );
  await startWaiting;
  const cores = availableParallelism();
  const measured = start === null || end === null ? null : { cpu: cpuSplit(start, end, cores), window: { from: start.at, to: end.at } };
  return { name, round, mode: config.mode, load, cpu: measured?.cpu ?? null, backends: backendPids.length, rate: config.rate ?? null, window: measured?.window ?? null };
}

/** Bet ops/s ÷ ceiling ops/s of each round that ran both phases. */
function ratiosByRound(results: readonly PhaseResult[]): number[] {
  const ratios: number[] = [];
  for (const bet of results) {
    if (bet.name !== 'http.bet.postgres') continue;
    const ceiling = results.find((result) => result.name === 'http.ceiling.fastify' && result.round === bet.round);
    if (ceiling !== undefined && ceiling.load.opsPerSecond > 0) ratios.push(round(bet.load.opsPerSecond / ceiling.load.opsPerSecond, 3));
  }
  return ratios;
}

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

function tableName(result: PhaseResult): string {
  return result.round === null || options.rounds === 1 ? result.name : `${result.name} #${result.round}`;
}

/** The service's collections in a phase against it (null without --gc-trace). */
function gcOf(result: PhaseResult): GcSummary | null {
  if (serviceGc === null || result.window === null || !result.name.startsWith('http.bet.postgres')) return null;
  return serviceGc.summary(result.window.from, result.window.to);
}

function gcFields(gc: GcSummary | null): Record<string, number | null> {
  if (gc === null) return {};
  const rounded = (value: number | null, digits: number): number | null => (value === null ? null : round(value, digits));
  return {
    gc_scavenges: gc.scavenges,
    gc_pause_avg_ms: rounded(gc.scavengePauseAvgMs, 1),
    gc_pause_max_ms: rounded(gc.scavengePauseMaxMs, 1),
    gc_promoted_mb: rounded(megabytes(gc.promotedAvgBytes), 2),
    gc_weak_handles_ms: rounded(gc.weakHandlesAvgMs, 1),
    gc_others: gc.others,
  };
}

function megabytes(bytes: number | null): number | null {
  return bytes === null ? null : bytes / 1e6;
}

function fmt(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function errorsOf(load: LoadResult): number {
  return Object.entries(load.statuses).reduce((sum, [status, count]) => sum + (status === '200' ? 0 : count), 0);
}

/** Cores used by processes outside this run: the machine minus the bench's processes, PostgreSQL and the hypervisor's steal. */
function otherCores(cpu: CpuSplit): number | null {
  if (cpu.machineBusy === null || cpu.postgres === null) return null;
  const ours = Object.values(cpu.processes).reduce<number>((sum, cores) => sum + (cores ?? 0), 0);
  return Math.max(0, cpu.machineBusy * cpu.cores - ours - cpu.postgres - (cpu.stolen ?? 0));
}

/** CPU microseconds per answer in the service (or the ceiling) and in its PostgreSQL backends: steadier than ops/s on a shared VM. */
function perOperation(server: number | null | undefined, backends: number | null | undefined, opsPerSecond: number): string {
  const micros = (cores: number | null | undefined): string => (cores === null || cores === undefined || opsPerSecond === 0 ? '-' : ((cores * 1e6) / opsPerSecond).toFixed(0));
  return `${micros(server)}+${micros(backends)}`;
}

function printTable(results: readonly PhaseResult[]): void {
  const header = [
    pad('phase', 31, true),
    pad('load', 14, true),
    pad('ops/s', 8),
    pad('p50 ms', 7),
    pad('p90 ms', 7),
    pad('p99 ms', 7),
    pad('max ms', 7),
    pad('non-200', 7),
    pad('server', 6),
    pad('load', 5),
    pad('pg own', 6),
    pad('pg all', 6),
    pad('busy', 5),
    pad('other', 5),
    pad('steal', 5),
    pad('µs/op srv+pg', 12),
  ].join(' ');
  out('');
  out(header);
  out('-'.repeat(header.length));
  for (const result of results) {
    const { mode, load, cpu, rate } = result;
    out(
      [
        pad(tableName(result), 31, true),
        pad(mode === 'closed' ? `closed ${options.connections}` : `open ${rate?.toFixed(0)}/s`, 14, true),
        pad(load.opsPerSecond.toFixed(0), 8),
        pad(fmt(load.p50, 2), 7),
        pad(fmt(load.p90, 2), 7),
        pad(fmt(load.p99, 2), 7),
        pad(fmt(load.max, 1), 7),
        pad(String(errorsOf(load)), 7),
        pad(fmt(cpu?.processes.server, 2), 6),
        pad(fmt(cpu?.processes.load, 2), 5),
        pad(fmt(cpu?.backends, 2), 6),
        pad(fmt(cpu?.postgres, 2), 6),
        pad(cpu?.machineBusy === null || cpu?.machineBusy === undefined ? '-' : `${(cpu.machineBusy * 100).toFixed(0)}%`, 5),
        pad(fmt(cpu === null ? null : otherCores(cpu), 2), 5),
        pad(fmt(cpu?.stolen, 2), 5),
        pad(perOperation(cpu?.processes.server, cpu?.backends, load.opsPerSecond), 12),
      ].join(' '),
    );
  }
  out('');
  out('  cpu columns are cores used in the measured window: server = the target process (Croupier or the ceiling), load = the');
  out('  load generator, pg own = the PostgreSQL backends serving the service\'s pool, pg all = every postgres process (other');
  out('  users of the server included), busy = the whole machine, other = cores used by everything else (not this run),');
  out('  steal = cores the hypervisor gave other guests (every process ran that much slower; compare runs with similar steal);');
  out('  µs/op srv+pg = CPU microseconds per answer in the server and in its PostgreSQL backends.');
}

async function main(): Promise<void> {
  out(`bench:http: ${availableParallelism()} cores, load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}, node ${process.version}; schema ${schema}`);
  out(
    `  ${options.players} players (${options.zipf > 0 ? `Zipf s=${options.zipf}` : 'uniform'}), ${options.connections} connections, ` +
      `${options.warmup} s warm-up + ${options.seconds} s per phase, phases ${phases.join(', ')}; service LOG_LEVEL=${options.logLevel}, ` +
      `partitions ${options.partitions > 0 ? options.partitions : 'default'}`,
  );
  const admin = new pg.Client({ connectionString: options.databaseUrl });
  await admin.connect();
  const serverVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
  out(`  PostgreSQL ${serverVersion}`);
  const results: PhaseResult[] = [];
  const checkpointsBefore = (await maintenance(admin)).checkpoints;
  const maintenanceAtEnd: { value: { autovacuum: number; autoanalyze: number; checkpoints: number } | null } = { value: null };
  /** What the ledger of the run says, once the service has stopped. */
  const ledger: { ok: boolean | null; storedBets: number | null } = { ok: null, storedBets: null };
  let answeredBets = 0;
  let sentBets = 0;
  try {
    const env: Record<string, string> = {
      DATABASE_URL: options.databaseUrl,
      CROUPIER_DB_SCHEMA: schema,
      CROUPIER_PROVIDERS: `${provider.id}:${provider.secret}`,
      CROUPIER_OPERATOR_KEYS: operatorKey,
      // The per-provider rate limit (5,000/s by default) would cap the bench; it is not what is measured.
      CROUPIER_RATE_LIMIT_PROVIDER: '1000000000',
      CROUPIER_RATE_LIMIT_OPERATOR: '1000000000',
      LOG_LEVEL: options.logLevel,
      NODE_ENV: 'production',
    };
    if (options.partitions > 0) env.CROUPIER_PARTITIONS = String(options.partitions);
    if (options.poolSize !== undefined) env.CROUPIER_POOL_SIZE = String(options.poolSize);
    const started = await startCroupier(env, options.cpuProf ?? null, options.gcTrace, startMs);
    serviceGc = started.gc;
    const croupier = started.child;
    children.add(croupier);
    const seedStarted = performance.now();
    await seedPlayers(started.url);
    out(`  croupier (pid ${croupier.pid}) at ${started.url}; ${options.players} players registered and funded through the operator API in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    // What autovacuum does within a minute or so of a fresh install, before the first phase: the
    // service's commit statements were planned (once per connection) while the players table was
    // nearly empty, and those plans read the whole table per commit until statistics invalidate
    // them: three to four times PostgreSQL's CPU per commit at moderate load. A deployment past
    // its first minutes has statistics; so does the bench before it measures.
    await admin.query(`ANALYZE "${schema}".players, "${schema}".transactions`);

    /** A closed-loop phase against a server started for it alone, stopped afterwards. */
    const againstOwnServer = async (name: string, round: number | null, server: { child: Child; url: string }, path: string, idPrefix: string): Promise<void> => {
      children.add(server.child);
      try {
        results.push(await phase(name, round, admin, server.child, { origin: server.url, path, seed: options.seed, idPrefix: `${idPrefix}${runTag}`, mode: 'closed' }));
      } finally {
        await stop(server.child, stopMs);
        children.delete(server.child);
      }
      out(`  ${name}${round === null ? '' : ` (round ${round})`}: ${results.at(-1)?.load.opsPerSecond} ops/s`);
    };
    const peakRates: number[] = [];
    const ceilingPhase = async (round: number): Promise<void> => {
      if (phases.includes('ceiling')) await againstOwnServer('http.ceiling.fastify', round, await startCeiling(startMs), '/bet', `c${round}-`);
    };
    const betPhase = async (round: number): Promise<void> => {
      if (!phases.includes('bet')) return;
      // Each round bets with its own transaction ids: a repeated id would be answered as a duplicate, not placed.
      const peak = await phase('http.bet.postgres', round, admin, croupier, { origin: started.url, path: '/v1/provider/bet', seed: options.seed, idPrefix: `b${round}-${runTag}`, mode: 'closed' });
      results.push(peak);
      answeredBets += peak.load.ok200Total;
      sentBets += peak.load.sentTotal;
      peakRates.push(peak.load.opsPerSecond);
      out(`  http.bet.postgres (round ${round}): ${peak.load.opsPerSecond} ops/s`);
    };
    if (phases.includes('http')) {
      const noEngine = await startNoEngine({ BENCH_PROVIDER: `${provider.id}:${provider.secret}`, LOG_LEVEL: options.logLevel }, startMs);
      await againstOwnServer('http.bet.no_engine', null, noEngine, '/v1/provider/bet', 'n');
    }
    // Odd rounds measure the ceiling first, even rounds the bets first (ceiling, bet, bet, ceiling,
    // ceiling, bet): a steady drift of the machine then favours neither side of the ratio.
    for (let round = 1; round <= options.rounds; round += 1) {
      const order = round % 2 === 1 ? [ceilingPhase, betPhase] : [betPhase, ceilingPhase];
      for (const run of order) await run(round);
    }
    const halfRounds = phases.includes('half') ? options.rounds : 0;
    const peak = median(peakRates);
    if (halfRounds > 0 && options.rate === undefined && (peak === null || peak <= 0)) throw new Error('no bet round measured a rate to halve');
    const rate = options.rate ?? Math.max(1, Math.round((peak ?? 0) / 2));
    for (let round = 1; round <= halfRounds; round += 1) {
      const name = options.rate === undefined ? 'http.bet.postgres.half_peak' : 'http.bet.postgres.fixed_rate';
      const open = await phase(name, round, admin, croupier, {
        origin: started.url,
        path: '/v1/provider/bet',
        seed: options.seed + round,
        idPrefix: `h${round}-${runTag}`,
        mode: 'open',
        rate,
      });
      results.push(open);
      answeredBets += open.load.ok200Total;
      sentBets += open.load.sentTotal;
      out(`  ${name} (round ${round}): ${open.load.opsPerSecond} ops/s offered ${rate}/s`);
    }
    maintenanceAtEnd.value = await maintenance(admin).catch(() => null);
    await stop(croupier, stopMs);
    children.delete(croupier);
    const stopped = await croupier.exited;
    if (stopped.code !== 0) out(`  warning: the service exited with ${JSON.stringify(stopped)}`);
    if (croupier.errorCount > 0) out(`  the service logged ${croupier.errorCount} error lines, first: ${croupier.firstErrors.join('\n')}`);

    // The ledger of the run: it verifies, and it holds every bet answered 200 (and nothing never sent).
    const sql = await openPostgres({ connectionString: options.databaseUrl, poolSize: 1, schema });
    try {
      const problems = await verifyLedger(sql);
      ledger.ok = problems.length === 0;
      if (!ledger.ok) out(`  LEDGER VERIFICATION FAILED, first problems: ${JSON.stringify(problems.slice(0, 5))}`);
      const [row] = await sql.query<{ bets: string }>(`SELECT count(*)::text AS bets FROM transactions WHERE kind = 'bet'`);
      ledger.storedBets = Number(row?.bets ?? Number.NaN);
    } finally {
      await sql.close();
    }
  } finally {
    for (const child of children) await stop(child, stopMs);
    await admin.end().catch(() => undefined);
    await dropSchema();
  }

  printTable(results);
  const halfP99s = results.filter((result) => result.name === 'http.bet.postgres.half_peak').map((result) => result.load.p99);
  const halfP99 = median(halfP99s);
  const roundRatios = ratiosByRound(results);
  const middle = median(roundRatios);
  const ratio = middle === null ? null : round(middle, 3);
  if (ledger.storedBets !== null) {
    const betsOk = ledger.storedBets >= answeredBets && ledger.storedBets <= sentBets;
    out(`  ledger: ${ledger.ok ? 'verifies' : 'DOES NOT VERIFY'}; ${ledger.storedBets} bets stored, ${answeredBets} answered 200, ${sentBets} sent: ${betsOk ? 'ok' : 'MISMATCH'}`);
    if (!betsOk) ledger.ok = false;
  }
  const maintained = maintenanceAtEnd.value;
  if (maintained !== null) {
    out(
      `  PostgreSQL maintenance during the run: ${maintained.autovacuum} autovacuum and ${maintained.autoanalyze} autoanalyze runs on the scratch schema, ` +
        `${maintained.checkpoints - checkpointsBefore} checkpoints (server-wide)`,
    );
  }
  if (ratio !== null) {
    const each = roundRatios.length > 1 ? `, the median of rounds ${roundRatios.join(' · ')}` : '';
    out(`  ratio.bet_vs_http_ceiling = ${ratio}${each} (target ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
  }
  if (halfP99 !== null) {
    const each = halfP99s.length > 1 ? `, the median of rounds ${halfP99s.join(' · ')}` : '';
    out(`  p99 at half the peak rate = ${halfP99} ms${each} (target ≤ 25 ms: ${halfP99 <= 25 ? 'met' : 'NOT met'})`);
  }
  for (const result of results) {
    const other = Object.entries(result.load.statuses).filter(([status]) => status !== '200');
    if (other.length > 0) out(`  ${result.name}: non-200 answers ${other.map(([status, count]) => `${status}=${count}`).join(' ')}`);
    if (result.mode === 'open') {
      out(
        `  ${result.name}: offered ${result.rate}/s, sent ${(result.load.sentInWindow / result.load.windowSeconds).toFixed(0)}/s and answered ` +
          `${result.load.opsPerSecond.toFixed(0)}/s in the window; dispatcher lag max ${result.load.dispatchLagMaxMs} ms`,
      );
    }
  }
  if (options.timeline) {
    for (const result of results) {
      out(`  ${result.name} per second (answers/p99 ms/max ms): ${result.load.perSecond.map((second) => `${second.ops}/${second.p99}/${second.max}`).join(' ')}`);
    }
  }
  if (options.cpuProf !== undefined) out(`  profile: npx tsx bench/cpuprofile-summary.ts ${options.cpuProf}/*.cpuprofile`);
  for (const result of results) {
    const gc = gcOf(result);
    if (gc === null) continue;
    out(
      `  gc of the service in ${tableName(result)}: ${gc.scavenges} scavenges, pause avg ${fmt(gc.scavengePauseAvgMs)} ms max ${fmt(gc.scavengePauseMaxMs)} ms, ` +
        `survived ${fmt(megabytes(gc.survivedAvgBytes), 2)} MB and promoted ${fmt(megabytes(gc.promotedAvgBytes), 2)} MB each, ` +
        `weak handles ${fmt(gc.weakHandlesAvgMs)} ms each; ${gc.others} other collections${gc.others > 0 ? ` (longest ${fmt(gc.otherPauseMaxMs)} ms)` : ''}`,
    );
  }

  if (options.json) {
    for (const result of results) {
      console.log(
        JSON.stringify({
          name: result.name,
          ...(result.round === null || options.rounds === 1 ? {} : { round: result.round }),
          ...(result.rate === null ? {} : { rate: result.rate }),
          ops_per_s: result.load.opsPerSecond,
          p50_ms: result.load.p50,
          p99_ms: result.load.p99,
          ops: result.load.ops,
          errors: errorsOf(result.load),
          server_cpu: result.cpu === null ? null : round(result.cpu.processes.server ?? Number.NaN, 2),
          load_cpu: result.cpu === null ? null : round(result.cpu.processes.load ?? Number.NaN, 2),
          pg_cpu: result.cpu === null ? null : round(result.cpu.postgres ?? Number.NaN, 2),
          other_cpu: result.cpu === null ? null : round(otherCores(result.cpu) ?? Number.NaN, 2),
          steal_cpu: result.cpu === null ? null : round(result.cpu.stolen ?? Number.NaN, 2),
          ...(result.name.startsWith('http.bet.postgres') ? { ledger_ok: ledger.ok } : {}),
          ...gcFields(gcOf(result)),
        }),
      );
    }
    if (ratio !== null) console.log(JSON.stringify({ name: 'ratio.bet_vs_http_ceiling', value: ratio, ...(roundRatios.length > 1 ? { rounds: roundRatios } : {}) }));
    if (halfP99 !== null) console.log(JSON.stringify({ name: 'p99.half_peak', value: halfP99, unit: 'ms', ...(halfP99s.length > 1 ? { rounds: halfP99s } : {}) }));
  }
  if (ledger.ok === false) process.exitCode = 1;
}

main().catch(async (error: unknown) => {
  console.error(`bench:http: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  for (const child of children) await stop(child, 5_000);
  await dropSchema();
  process.exit(1);
});
