/**
 * npm run bench:engine -- [--seconds N] [--players N] [--only engine.postgres,...] [--json] ...
 *
 * One process, one workload for four variants (each --rounds times, in turn; ratios are medians over rounds):
 *   engine.postgres             Croupier's partitioned group-commit engine on PostgreSQL
 *   engine.postgres.bonus30     the same with 30% of the players wagering an active bonus
 *   baseline.row_lock.postgres  the classic design: one transaction per bet, SELECT … FOR UPDATE
 *   engine.pglite               the engine on the embedded PGlite store (single connection)
 * Each PostgreSQL variant works in a fresh scratch schema that is dropped at the end; the PGlite
 * variant in a temporary folder that is removed at the end.
 *
 * The pieces live in bench/lib/engine-*.ts: options and settings, the variants (engine-variants.ts,
 * whose batch hooks are in engine-hooks.ts), the table, the ratios and the JSON lines.
 */
import { printJsonLines } from './lib/engine-json.js';
import { parseEngineOptions, variantNames, type VariantName } from './lib/engine-options.js';
import { printRatios } from './lib/engine-ratios.js';
import { engineSettings } from './lib/engine-settings.js';
import { printTable } from './lib/engine-table.js';
import { runVariant, type EngineBench, type VariantResult } from './lib/engine-variants.js';
import { ScratchCleanups } from './lib/scratch-cleanups.js';
import { Workload } from './lib/workload.js';

const options = parseEngineOptions(process.argv);
const cleanups = new ScratchCleanups();
cleanups.installSignalHandlers();
const bench: EngineBench = {
  options,
  out: options.json ? console.error : console.log,
  runTag: `${Date.now().toString(36)}_${process.pid}`,
  cleanups,
};

async function main(): Promise<void> {
  const { out } = bench;
  const selected = options.only ?? [...variantNames];
  const probe = new Workload({ players: options.players, zipfS: options.zipf, seed: 1, idPrefix: 'probe', winShare: 0.09, rollbackShare: 0.01 });
  out(
    `bench:engine — ${options.players} players, Zipf s=${options.zipf} (hottest player ${(probe.hottestShare * 100).toFixed(1)}% of ops), ` +
      `90% bet / 9% win / 1% rollback, ${options.warmup} s warm-up + ${options.seconds} s measured per variant; ` +
      `engine on PostgreSQL ${JSON.stringify(engineSettings(options))}, on PGlite ${JSON.stringify(engineSettings(options, 'pglite'))}, pool ${options.poolSize}`,
  );
  const rounds = await runRounds(selected);
  const results = rounds.flatMap((turn) => [...turn.values()]);
  printTable(out, results);
  const ratios = printRatios(out, rounds);
  if (options.json) printJsonLines(selected, rounds, ratios);
  if (results.some((result) => result.ledgerProblems > 0)) process.exitCode = 1;
}

/** Every selected variant once per round, in turn: a machine that drifts then skews no variant alone. */
async function runRounds(selected: readonly VariantName[]): Promise<Map<VariantName, VariantResult>[]> {
  const rounds: Map<VariantName, VariantResult>[] = [];
  for (let index = 0; index < options.rounds; index += 1) {
    const turn = new Map<VariantName, VariantResult>();
    for (const name of selected) {
      bench.out(`running ${name}${options.rounds > 1 ? ` (round ${index + 1} of ${options.rounds})` : ''} ...`);
      turn.set(name, await runVariant(bench, name));
    }
    rounds.push(turn);
  }
  return rounds;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
