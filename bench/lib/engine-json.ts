import type { VariantName } from './engine-options.js';
import type { EngineRatios, EngineRound } from './engine-ratios.js';
import type { VariantResult } from './engine-variants.js';
import { round } from './stats.js';

/** The --json lines on stdout: one per selected variant (its median round), then the ratios. */
export function printJsonLines(selected: readonly VariantName[], rounds: readonly EngineRound[], ratios: EngineRatios): void {
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
  const { engine, bonus } = ratios;
  if (engine.value !== null) console.log(JSON.stringify({ name: 'ratio.engine_vs_row_lock', value: round(engine.value, 2), ...(engine.each.length > 1 ? { each: engine.each.map((value) => round(value, 2)) } : {}) }));
  if (bonus.value !== null) console.log(JSON.stringify({ name: 'ratio.bonus30_vs_plain', value: round(bonus.value, 3), ...(bonus.each.length > 1 ? { each: bonus.each.map((value) => round(value, 3)) } : {}) }));
}

/** The run with the median ops/s (the lower middle one for an even count). */
function medianRun(runs: readonly VariantResult[]): VariantResult {
  const sorted = [...runs].sort((left, right) => left.run.opsPerSecond - right.run.opsPerSecond);
  const chosen = sorted[Math.floor((sorted.length - 1) / 2)];
  if (chosen === undefined) throw new Error('invariant violated: a selected variant ran');
  return chosen;
}
