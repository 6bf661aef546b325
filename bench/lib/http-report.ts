import { megabytes, gcOf } from './http-gc.js';
import type { HttpBench } from './http-bench.js';
import { tableName, type PhaseResult } from './http-phase.js';
import type { SessionResult } from './http-session.js';
import { median, round } from './stats.js';
import { fmt } from './table-cells.js';

/** The figures the targets are judged on, each with its rounds. */
export interface HttpVerdicts {
  /** False when the ledger does not verify or does not hold the bets answered; null when it was not read. */
  readonly ledgerOk: boolean | null;
  readonly ratio: number | null;
  readonly roundRatios: readonly number[];
  readonly halfP99: number | null;
  readonly halfP99s: readonly number[];
}

/** Prints the ledger check, PostgreSQL's maintenance, the two targets and the phases' notes after the table. */
export function printReport(bench: HttpBench, session: SessionResult, checkpointsBefore: number): HttpVerdicts {
  const { out } = bench;
  const { results, ledger, answeredBets, sentBets } = session;
  const halfP99s = results.filter((result) => result.name === 'http.bet.postgres.half_peak').map((result) => result.load.p99);
  const halfP99 = median(halfP99s);
  const roundRatios = ratiosByRound(results);
  const middle = median(roundRatios);
  const ratio = middle === null ? null : round(middle, 3);
  let ledgerOk = ledger.ok;
  if (ledger.storedBets !== null) {
    const betsOk = ledger.storedBets >= answeredBets && ledger.storedBets <= sentBets;
    out(`  ledger: ${ledger.ok ? 'verifies' : 'DOES NOT VERIFY'}; ${ledger.storedBets} bets stored, ${answeredBets} answered 200, ${sentBets} sent: ${betsOk ? 'ok' : 'MISMATCH'}`);
    if (!betsOk) ledgerOk = false;
  }
  const maintained = session.maintenanceAtEnd;
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
  printPhaseNotes(bench, session);
  return { ledgerOk, ratio, roundRatios, halfP99, halfP99s };
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

/** Non-200 answers, the open loop's offered and sent rates, the timeline, the profile and the service's collections. */
function printPhaseNotes({ out, options }: HttpBench, { results, serviceGc }: SessionResult): void {
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
    const gc = gcOf(serviceGc, result);
    if (gc === null) continue;
    out(
      `  gc of the service in ${tableName(result, options.rounds)}: ${gc.scavenges} scavenges, pause avg ${fmt(gc.scavengePauseAvgMs)} ms max ${fmt(gc.scavengePauseMaxMs)} ms, ` +
        `survived ${fmt(megabytes(gc.survivedAvgBytes), 2)} MB and promoted ${fmt(megabytes(gc.promotedAvgBytes), 2)} MB each, ` +
        `weak handles ${fmt(gc.weakHandlesAvgMs)} ms each; ${gc.others} other collections${gc.others > 0 ? ` (longest ${fmt(gc.otherPauseMaxMs)} ms)` : ''}`,
    );
  }
}
