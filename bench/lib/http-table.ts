import { otherCores } from './http-cpu.js';
import { errorsOf, tableName, type PhaseResult } from './http-phase.js';
import { fmt, pad } from './table-cells.js';

/** The human table of bench:http, one row per phase run, and what its CPU columns mean. */
export function printTable(out: (line: string) => void, results: readonly PhaseResult[], rounds: number, connections: number): void {
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
  for (const result of results) out(rowOf(result, rounds, connections));
  out('');
  out('  cpu columns are cores used in the measured window: server = the target process (Croupier or the ceiling), load = the');
  out('  load generator, pg own = the PostgreSQL backends serving the service\'s pool, pg all = every postgres process (other');
  out('  users of the server included), busy = the whole machine, other = cores used by everything else (not this run),');
  out('  steal = cores the hypervisor gave other guests (every process ran that much slower; compare runs with similar steal);');
  out('  µs/op srv+pg = CPU microseconds per answer in the server and in its PostgreSQL backends.');
}

function rowOf(result: PhaseResult, rounds: number, connections: number): string {
  const { mode, load, cpu, rate } = result;
  return [
    pad(tableName(result, rounds), 31, true),
    pad(mode === 'closed' ? `closed ${connections}` : `open ${rate?.toFixed(0)}/s`, 14, true),
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
  ].join(' ');
}

/** CPU microseconds per answer in the service (or the ceiling) and in its PostgreSQL backends: steadier than ops/s on a shared VM. */
function perOperation(server: number | null | undefined, backends: number | null | undefined, opsPerSecond: number): string {
  const micros = (cores: number | null | undefined): string => (cores === null || cores === undefined || opsPerSecond === 0 ? '-' : ((cores * 1e6) / opsPerSecond).toFixed(0));
  return `${micros(server)}+${micros(backends)}`;
}
