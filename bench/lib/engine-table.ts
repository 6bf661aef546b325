import type { VariantResult } from './engine-variants.js';
import { fmt, pad } from './table-cells.js';

/** The human table of bench:engine, one row per variant and round, then a few lines per variant. */
export function printTable(out: (line: string) => void, results: readonly VariantResult[]): void {
  const header = [
    pad('variant', 27, true),
    pad('in flight', 9),
    pad('ops/s', 9),
    pad('p50 ms', 8),
    pad('p99 ms', 8),
    pad('max ms', 8),
    pad('ops', 9),
    pad('refused', 8),
    pad('ledger', 7),
    pad('node cpu', 9),
    pad('pg cpu', 7),
    pad('busy', 5),
    pad('batch', 6),
    pad('commit p50/p99 ms', 18),
  ].join(' ');
  out('');
  out(header);
  out('-'.repeat(header.length));
  for (const result of results) out(rowOf(result));
  out('');
  for (const result of results) printNotes(out, result);
  out('  cpu columns: cores used during the measured window (node = this process, pg = all postgres processes); busy = whole machine');
}

function rowOf({ name, run, concurrency, ledgerProblems, batches }: VariantResult): string {
  const refused = Object.values(run.refused).reduce((sum, count) => sum + count, 0);
  const [commitP50 = Number.NaN, commitP99 = Number.NaN] = batches?.commitMs.percentiles(0.5, 0.99) ?? [];
  return [
    pad(name, 27, true),
    pad(String(concurrency), 9),
    pad(run.opsPerSecond.toFixed(0), 9),
    pad(fmt(run.p50), 8),
    pad(fmt(run.p99), 8),
    pad(fmt(run.max), 8),
    pad(String(run.ops), 9),
    pad(String(refused), 8),
    pad(ledgerProblems === 0 ? 'ok' : `BAD:${ledgerProblems}`, 7),
    pad(fmt(run.cpu.node, 2), 9),
    pad(fmt(run.cpu.postgres, 2), 7),
    pad(run.cpu.machineBusy === null ? '-' : `${(run.cpu.machineBusy * 100).toFixed(0)}%`, 5),
    pad(batches === null || batches.batches === 0 ? '-' : (batches.commands / batches.batches).toFixed(0), 6),
    pad(batches === null || batches.batches === 0 ? '-' : `${fmt(commitP50)}/${fmt(commitP99)}`, 18),
  ].join(' ');
}

function printNotes(out: (line: string) => void, { name, run, ledgerProblems, issued }: VariantResult): void {
  const refusals = Object.entries(run.refused).map(([code, count]) => `${code}=${count}`);
  out(`  ${name}: refused ${refusals.length === 0 ? 'none' : refusals.join(' ')} (of ${run.answered} answered incl. warm-up)`);
  out(`  ${name}: verifyLedger() ${ledgerProblems === 0 ? 'returned [] — the ledger balances' : `returned ${ledgerProblems} problem rows — THE LEDGER IS BROKEN`}`);
  out(
    `  ${name}: measured mix ${Object.entries(run.byKind).map(([kind, count]) => `${kind} ${((count / run.ops) * 100).toFixed(1)}%`).join(', ')}; ` +
      `settles that fell back to another player's bet ${issued.winFallback}, turned into bets ${issued.settleAsBet}`,
  );
  out(
    `  ${name}: event-loop delay p99 ${fmt(run.loopDelayP99)} ms, max ${fmt(run.loopDelayMax)} ms` +
      (run.stalls > 0 ? `; ${run.stalls} times the event loop did not turn for > 100 ms (microtask-only loop) and the submitters stepped aside` : ''),
  );
}
