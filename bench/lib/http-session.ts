import type pg from 'pg';
import { openPostgres } from '../../src/store/postgres-client.js';
import { verifyLedger } from '../../src/store/verify-ledger.js';
import type { GcTrace } from './gc-trace.js';
import { startMs, stopMs, type HttpBench } from './http-bench.js';
import { runPhase, type PhaseResult } from './http-phase.js';
import { startCeiling, startCroupier, startNoEngine, stop, type Child } from './http-processes.js';
import { seedPlayers } from './http-seed.js';
import { maintenance, type Maintenance } from './postgres-maintenance.js';
import { median } from './stats.js';

/** What the ledger of the run says, once the service has stopped. */
export interface LedgerCheck {
  readonly ok: boolean | null;
  readonly storedBets: number | null;
}

/** Everything a session measured, for the report. */
export interface SessionResult {
  readonly results: readonly PhaseResult[];
  readonly serviceGc: GcTrace | null;
  readonly maintenanceAtEnd: Maintenance | null;
  readonly ledger: LedgerCheck;
  /** Bets answered 200, and bets sent, over every bet phase (warm-up and drain included). */
  readonly answeredBets: number;
  readonly sentBets: number;
}

interface Service {
  readonly child: Child;
  readonly url: string;
}

/**
 * One bench:http session against one Croupier service: seeds it, runs the selected phases, stops
 * it and reads its ledger. The caller stops what is left of the children and drops the schema.
 */
export class HttpSession {
  private readonly results: PhaseResult[] = [];
  private readonly peakRates: number[] = [];
  private answeredBets = 0;
  private sentBets = 0;

  private constructor(
    private readonly bench: HttpBench,
    private readonly admin: pg.Client,
    private readonly service: Service,
    private readonly serviceGc: GcTrace | null,
  ) {}

  static async run(bench: HttpBench, admin: pg.Client): Promise<SessionResult> {
    const started = await startCroupier(serviceEnv(bench), bench.options.cpuProf ?? null, bench.options.gcTrace, startMs);
    const session = new HttpSession(bench, admin, started, started.gc);
    bench.children.add(started.child);
    await session.seed();
    await session.runClosedPhases();
    await session.runOpenPhases();
    const maintenanceAtEnd = await maintenance(admin, bench.schema).catch(() => null);
    await session.stopService();
    const ledger = await checkLedger(bench);
    return { results: session.results, serviceGc: session.serviceGc, maintenanceAtEnd, ledger, answeredBets: session.answeredBets, sentBets: session.sentBets };
  }

  private async seed(): Promise<void> {
    const { bench, service } = this;
    const seedStarted = performance.now();
    await seedPlayers(bench, service.url);
    bench.out(`  croupier (pid ${service.child.pid}) at ${service.url}; ${bench.options.players} players registered and funded through the operator API in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    // What autovacuum does within a minute or so of a fresh install, before the first phase: the
    // service's commit statements were planned (once per connection) while the players table was
    // nearly empty, and those plans read the whole table per commit until statistics invalidate
    // them: three to four times PostgreSQL's CPU per commit at moderate load. A deployment past
    // its first minutes has statistics; so does the bench before it measures.
    await this.admin.query(`ANALYZE "${bench.schema}".players, "${bench.schema}".transactions`);
  }

  /** The HTTP layer alone (if selected), then each round's ceiling and bet phases. */
  private async runClosedPhases(): Promise<void> {
    const { bench } = this;
    if (bench.phases.includes('http')) {
      const noEngine = await startNoEngine({ BENCH_PROVIDER: `${bench.provider.id}:${bench.provider.secret}`, LOG_LEVEL: bench.options.logLevel }, startMs);
      await this.againstOwnServer('http.bet.no_engine', null, noEngine, '/v1/provider/bet', 'n');
    }
    // Odd rounds measure the ceiling first, even rounds the bets first (ceiling, bet, bet, ceiling,
    // ceiling, bet): a steady drift of the machine then favours neither side of the ratio.
    for (let round = 1; round <= bench.options.rounds; round += 1) {
      const ceiling = (): Promise<void> => this.ceilingPhase(round);
      const bet = (): Promise<void> => this.betPhase(round);
      const order = round % 2 === 1 ? [ceiling, bet] : [bet, ceiling];
      for (const run of order) await run();
    }
  }

  private async ceilingPhase(round: number): Promise<void> {
    if (this.bench.phases.includes('ceiling')) await this.againstOwnServer('http.ceiling.fastify', round, await startCeiling(startMs), '/bet', `c${round}-`);
  }

  private async betPhase(round: number): Promise<void> {
    const { bench, service } = this;
    if (!bench.phases.includes('bet')) return;
    // Each round bets with its own transaction ids: a repeated id would be answered as a duplicate, not placed.
    const peak = await runPhase(bench, 'http.bet.postgres', round, this.admin, service.child, {
      origin: service.url,
      path: '/v1/provider/bet',
      seed: bench.options.seed,
      idPrefix: `b${round}-${bench.runTag}`,
      mode: 'closed',
    });
    this.recordBets(peak);
    this.peakRates.push(peak.load.opsPerSecond);
    bench.out(`  http.bet.postgres (round ${round}): ${peak.load.opsPerSecond} ops/s`);
  }

  /** A closed-loop phase against a server started for it alone, stopped afterwards. */
  private async againstOwnServer(name: string, round: number | null, server: Service, path: string, idPrefix: string): Promise<void> {
    const { bench } = this;
    bench.children.add(server.child);
    try {
      this.results.push(await runPhase(bench, name, round, this.admin, server.child, { origin: server.url, path, seed: bench.options.seed, idPrefix: `${idPrefix}${bench.runTag}`, mode: 'closed' }));
    } finally {
      await stop(server.child, stopMs);
      bench.children.delete(server.child);
    }
    bench.out(`  ${name}${round === null ? '' : ` (round ${round})`}: ${this.results.at(-1)?.load.opsPerSecond} ops/s`);
  }

  /** The open loop, --rounds times: at half the median bet round's rate, or at --rate. */
  private async runOpenPhases(): Promise<void> {
    const { bench, service } = this;
    const { options } = bench;
    const halfRounds = bench.phases.includes('half') ? options.rounds : 0;
    const peak = median(this.peakRates);
    if (halfRounds > 0 && options.rate === undefined && (peak === null || peak <= 0)) throw new Error('no bet round measured a rate to halve');
    const rate = options.rate ?? Math.max(1, Math.round((peak ?? 0) / 2));
    for (let round = 1; round <= halfRounds; round += 1) {
      const name = options.rate === undefined ? 'http.bet.postgres.half_peak' : 'http.bet.postgres.fixed_rate';
      const open = await runPhase(bench, name, round, this.admin, service.child, {
        origin: service.url,
        path: '/v1/provider/bet',
        seed: options.seed + round,
        idPrefix: `h${round}-${bench.runTag}`,
        mode: 'open',
        rate,
      });
      this.recordBets(open);
      bench.out(`  ${name} (round ${round}): ${open.load.opsPerSecond} ops/s offered ${rate}/s`);
    }
  }

  private recordBets(result: PhaseResult): void {
    this.results.push(result);
    this.answeredBets += result.load.ok200Total;
    this.sentBets += result.load.sentTotal;
  }

  private async stopService(): Promise<void> {
    const { bench } = this;
    const croupier = this.service.child;
    await stop(croupier, stopMs);
    bench.children.delete(croupier);
    const stopped = await croupier.exited;
    if (stopped.code !== 0) bench.out(`  warning: the service exited with ${JSON.stringify(stopped)}`);
    if (croupier.errorCount > 0) bench.out(`  the service logged ${croupier.errorCount} error lines, first: ${croupier.firstErrors.join('\n')}`);
  }
}

/** The service's environment, as `npm start` would get it in production, pointed at the scratch schema. */
function serviceEnv(bench: HttpBench): Record<string, string> {
  const { options, provider } = bench;
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    CROUPIER_DB_SCHEMA: bench.schema,
    CROUPIER_PROVIDERS: `${provider.id}:${provider.secret}`,
    CROUPIER_OPERATOR_KEYS: bench.operatorKey,
    // The per-provider rate limit (5,000/s by default) would cap the bench; it is not what is measured.
    CROUPIER_RATE_LIMIT_PROVIDER: '1000000000',
    CROUPIER_RATE_LIMIT_OPERATOR: '1000000000',
    LOG_LEVEL: options.logLevel,
    NODE_ENV: 'production',
  };
  if (options.partitions > 0) env.CROUPIER_PARTITIONS = String(options.partitions);
  if (options.poolSize !== undefined) env.CROUPIER_POOL_SIZE = String(options.poolSize);
  return env;
}

/** The ledger of the run: it verifies, and it holds every bet answered 200 (and nothing never sent). */
async function checkLedger(bench: HttpBench): Promise<LedgerCheck> {
  const sql = await openPostgres({ connectionString: bench.options.databaseUrl, poolSize: 1, schema: bench.schema });
  try {
    const problems = await verifyLedger(sql);
    const ok = problems.length === 0;
    if (!ok) bench.out(`  LEDGER VERIFICATION FAILED, first problems: ${JSON.stringify(problems.slice(0, 5))}`);
    const [row] = await sql.query<{ bets: string }>(`SELECT count(*)::text AS bets FROM transactions WHERE kind = 'bet'`);
    return { ok, storedBets: Number(row?.bets ?? Number.NaN) };
  } finally {
    await sql.close();
  }
}
