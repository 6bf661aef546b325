import type { GcTrace } from './gc-trace.js';
import { otherCores } from './http-cpu.js';
import { gcFields, gcOf } from './http-gc.js';
import { errorsOf, type PhaseResult } from './http-phase.js';
import type { HttpVerdicts } from './http-report.js';
import { round } from './stats.js';

/** The --json lines on stdout: one per phase run, then the ratio and the half-peak p99. */
export function printJsonLines(results: readonly PhaseResult[], serviceGc: GcTrace | null, rounds: number, verdicts: HttpVerdicts): void {
  for (const result of results) {
    console.log(
      JSON.stringify({
        name: result.name,
        ...(result.round === null || rounds === 1 ? {} : { round: result.round }),
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
        ...(result.name.startsWith('http.bet.postgres') ? { ledger_ok: verdicts.ledgerOk } : {}),
        ...gcFields(gcOf(serviceGc, result)),
      }),
    );
  }
  const { ratio, roundRatios, halfP99, halfP99s } = verdicts;
  if (ratio !== null) console.log(JSON.stringify({ name: 'ratio.bet_vs_http_ceiling', value: ratio, ...(roundRatios.length > 1 ? { rounds: roundRatios } : {}) }));
  if (halfP99 !== null) console.log(JSON.stringify({ name: 'p99.half_peak', value: halfP99, unit: 'ms', ...(halfP99s.length > 1 ? { rounds: halfP99s } : {}) }));
}
