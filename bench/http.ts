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
 *
 * The pieces live in bench/lib/http-*.ts: options, the session that runs the phases
 * (http-session.ts, each phase in http-phase.ts), the table, the report and the JSON lines.
 */
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { createHttpBench, stopMs } from './lib/http-bench.js';
import { printJsonLines } from './lib/http-json.js';
import { parseHttpOptions } from './lib/http-options.js';
import { stop } from './lib/http-processes.js';
import { printReport } from './lib/http-report.js';
import { HttpSession, type SessionResult } from './lib/http-session.js';
import { printTable } from './lib/http-table.js';
import { maintenance } from './lib/postgres-maintenance.js';
import { dropScratchSchema } from './lib/scratch-schema.js';

const { options, phases } = parseHttpOptions(process.argv);
const bench = createHttpBench(options, phases);
const { out, schema, children } = bench;

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

function dropSchema(): Promise<void> {
  return dropScratchSchema(options.databaseUrl, schema, out);
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
  const checkpointsBefore = (await maintenance(admin, schema)).checkpoints;
  let session: SessionResult;
  try {
    session = await HttpSession.run(bench, admin);
  } finally {
    for (const child of children) await stop(child, stopMs);
    await admin.end().catch(() => undefined);
    await dropSchema();
  }

  printTable(out, session.results, options.rounds, options.connections);
  const verdicts = printReport(bench, session, checkpointsBefore);
  if (options.json) printJsonLines(session.results, session.serviceGc, options.rounds, verdicts);
  if (verdicts.ledgerOk === false) process.exitCode = 1;
}

main().catch(async (error: unknown) => {
  console.error(`bench:http: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  for (const child of children) await stop(child, 5_000);
  await dropSchema();
  process.exit(1);
});
