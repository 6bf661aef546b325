import { postgresProcessTicks } from './http-cpu.js';
import { readFileSync } from 'node:fs';

/**
 * Where the CPU went during a measured window, read from /proc (Linux; on other systems every
 * figure is null): this process, every local PostgreSQL process, and the machine as a whole.
 * The reads are synchronous on purpose: under load (PGlite in particular) the event loop can
 * go seconds without reaching its I/O phase, and an async read would wait that long.
 */
export interface CpuSnapshot {
  readonly at: number;
  readonly self: NodeJS.CpuUsage;
  readonly postgresTicks: number | null;
  readonly machine: { busy: number; total: number } | null;
}

export interface CpuUse {
  /** Cores used (1.0 = one core fully busy). */
  readonly node: number;
  readonly postgres: number | null;
  readonly machineBusy: number | null;
  readonly cores: number | null;
}

const ticksPerSecond = 100;

/** CPU ticks of every process named `postgres`, summed. */
function postgresTicks(): number | null {
  const byPid = postgresProcessTicks();
  return byPid === null ? null : [...byPid.values()].reduce((sum, ticks) => sum + ticks, 0);
}

function machineTicks(): { busy: number; total: number; cores: number } | null {
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    const fields = (lines[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const cores = lines.filter((line) => /^cpu\d+ /.test(line)).length;
    return { busy: total - idle, total, cores };
  } catch {
    return null;
  }
}

export function cpuSnapshot(): CpuSnapshot & { cores: number | null } {
  const postgres = postgresTicks();
  const machine = machineTicks();
  return { at: performance.now(), self: process.cpuUsage(), postgresTicks: postgres, machine, cores: machine?.cores ?? null };
}

export function cpuBetween(start: CpuSnapshot & { cores: number | null }, end: CpuSnapshot & { cores: number | null }): CpuUse {
  const seconds = (end.at - start.at) / 1000;
  const selfMicros = end.self.user + end.self.system - start.self.user - start.self.system;
  const postgres = start.postgresTicks === null || end.postgresTicks === null ? null : (end.postgresTicks - start.postgresTicks) / ticksPerSecond / seconds;
  const machineBusy =
    start.machine === null || end.machine === null || end.machine.total === start.machine.total
      ? null
      : (end.machine.busy - start.machine.busy) / (end.machine.total - start.machine.total);
  return { node: selfMicros / 1e6 / seconds, postgres, machineBusy, cores: end.cores };
}
