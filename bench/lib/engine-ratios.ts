import type { VariantName } from './engine-options.js';
import type { VariantResult } from './engine-variants.js';
import { median } from './stats.js';

/** One round: each selected variant's result. */
export type EngineRound = ReadonlyMap<VariantName, VariantResult>;

/** A ratio of two variants' ops/s: the median over rounds (null when no round ran both), and each round's. */
export interface RoundRatio {
  readonly value: number | null;
  readonly each: readonly number[];
}

export interface EngineRatios {
  readonly engine: RoundRatio;
  readonly bonus: RoundRatio;
}

/** Prints the engine-vs-row-lock and bonus-vs-plain ratios, each from the rounds that ran both variants. */
export function printRatios(out: (line: string) => void, rounds: readonly EngineRound[]): EngineRatios {
  const engine = ratioOf(rounds, 'engine.postgres', 'baseline.row_lock.postgres');
  if (engine.value !== null) {
    out(`  ratio.engine_vs_row_lock = ${engine.value.toFixed(1)}× (engine.postgres ops/s / baseline.row_lock.postgres ops/s, same round${roundsNote(engine.each, 1)})`);
  }
  const bonus = ratioOf(rounds, 'engine.postgres.bonus30', 'engine.postgres');
  if (bonus.value !== null) {
    out(
      `  ratio.bonus30_vs_plain = ${bonus.value.toFixed(3)} (engine.postgres.bonus30 ops/s / engine.postgres ops/s, same round${roundsNote(bonus.each, 3)}; ` +
        `wagering costs ${((1 - bonus.value) * 100).toFixed(1)}% of throughput)`,
    );
  }
  return { engine, bonus };
}

/** numerator ÷ denominator ops/s for every round that ran both. */
function ratioOf(rounds: readonly EngineRound[], numerator: VariantName, denominator: VariantName): RoundRatio {
  const each = rounds.flatMap((turn) => {
    const top = turn.get(numerator);
    const bottom = turn.get(denominator);
    return top !== undefined && bottom !== undefined && bottom.run.opsPerSecond > 0 ? [top.run.opsPerSecond / bottom.run.opsPerSecond] : [];
  });
  return { value: median(each), each };
}

function roundsNote(values: readonly number[], digits: number): string {
  return values.length > 1 ? `; median of ${values.length} rounds: ${values.map((value) => value.toFixed(digits)).join(', ')}` : '';
}
