import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * CPU accounting for bench/http.ts, from /proc (Linux; elsewhere every figure is null): given
 * processes by pid, the PostgreSQL backends serving one process' connections, all `postgres`
 * processes, and the machine. Like bench/lib/cpu.ts, reads are synchronous.
 */

const ticksPerSecond = 100;

/** utime + stime of one process in clock ticks, or null when it is gone or /proc is missing. */
export function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Every process named `postgres`: ticks by pid. */
export function postgresProcessTicks(): Map<number, number> | null {
  try {
    const ticks = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    }
    return ticks;
  } catch {
    return null;
  }
}

/**
 * Ticks all postgres processes used between two snapshots: those alive at both ends, plus the
 * whole life of those started in between (what processes that exited in between used is lost).
 */
function postgresDelta(start: Map<number, number> | null, end: Map<number, number> | null): number | null {
  if (start === null || end === null) return null;
  let ticks = 0;
  for (const [pid, at] of end) ticks += at - (start.get(pid) ?? 0);
  return ticks;
}

export interface MachineTicks {
  /** Ticks not idle, steal included. */
  readonly busy: number;
  /** Ticks the hypervisor gave to other guests while this machine wanted to run (/proc/stat "steal"). */
  readonly steal: number;
  readonly total: number;
}

/** Machine-wide busy, stolen and total ticks (all cores) from /proc/stat. */
export function machineTicks(): MachineTicks | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), steal: fields[7] ?? 0, total };
  } catch {
    return null;
  }
}

/**
 * The local TCP ports of `pid`'s connections to `remotePort` (its PostgreSQL pool), found by
 * matching the socket inodes of /proc/PID/fd against /proc/net/tcp{,6}.
 */
export function clientPortsOf(pid: number, remotePort: number): number[] {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(target);
        if (match?.[1] !== undefined) inodes.add(match[1]);
      } catch {
        // closed meanwhile
      }
    }
    const ports: number[] = [];
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text: string;
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const columns = line.trim().split(/\s+/);
        if (columns.length < 10) continue;
        const local = columns[1] ?? '';
        const remote = columns[2] ?? '';
        const inode = columns[9] ?? '';
        if (!inodes.has(inode)) continue;
        if (parseInt(remote.slice(remote.lastIndexOf(':') + 1), 16) !== remotePort) continue;
        ports.push(parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
      }
    }
    return ports;
  } catch {
    return [];
  }
}

export interface CpuPoint {
  readonly at: number;
  readonly pids: ReadonlyMap<string, number | null>;
  readonly backends: ReadonlyMap<number, number | null> | null;
  readonly postgres: Map<number, number> | null;
  readonly machine: MachineTicks | null;
}

/** A snapshot of the named processes, the listed PostgreSQL backends, all of PostgreSQL and the machine. */
export function cpuPoint(pids: Readonly<Record<string, number>>, backendPids: readonly number[]): CpuPoint {
  return {
    at: performance.now(),
    pids: new Map(Object.entries(pids).map(([name, pid]) => [name, processTicks(pid)])),
    backends: backendPids.length === 0 ? null : new Map(backendPids.map((pid) => [pid, processTicks(pid)])),
    postgres: postgresProcessTicks(),
    machine: machineTicks(),
  };
}

export interface CpuSplit {
  /** Cores used by each named process over the window (1.0 = one core busy). */
  readonly processes: Record<string, number | null>;
  /** Cores used by the PostgreSQL backends serving the service's pool. */
  readonly backends: number | null;
  /** Cores used by every postgres process (other users of the server included). */
  readonly postgres: number | null;
  /** Share of the whole machine that was busy (steal included). */
  readonly machineBusy: number | null;
  /**
   * Cores the hypervisor took for other guests: on a shared VM every process of the run ran
   * slower by that much, so figures from windows with different steal are not comparable.
   */
  readonly stolen: number | null;
  readonly cores: number;
}

export function cpuSplit(start: CpuPoint, end: CpuPoint, cores: number): CpuSplit {
  const seconds = (end.at - start.at) / 1000;
  const rate = (from: number | null | undefined, to: number | null | undefined): number | null =>
    from === null || from === undefined || to === null || to === undefined ? null : (to - from) / ticksPerSecond / seconds;
  const processes: Record<string, number | null> = {};
  for (const [name, ticks] of start.pids) processes[name] = rate(ticks, end.pids.get(name));
  const machineShare = (field: 'busy' | 'steal'): number | null =>
    start.machine === null || end.machine === null || end.machine.total === start.machine.total
      ? null
      : (end.machine[field] - start.machine[field]) / (end.machine.total - start.machine.total);
  const machineBusy = machineShare('busy');
  const stealShare = machineShare('steal');
  // Backends that exited in the window (an idle pool connection closed) are left out.
  let backendTicks: number | null = null;
  if (start.backends !== null && end.backends !== null) {
    backendTicks = 0;
    for (const [pid, from] of start.backends) {
      const to = end.backends.get(pid);
      if (from !== null && to !== null && to !== undefined) backendTicks += to - from;
    }
  }
  return { processes, backends: rate(0, backendTicks), postgres: rate(0, postgresDelta(start.postgres, end.postgres)), machineBusy, stolen: stealShare === null ? null : stealShare * cores, cores };
}

/** Cores used by processes outside this run: the machine minus the bench's processes, PostgreSQL and the hypervisor's steal. */
export function otherCores(cpu: CpuSplit): number | null {
  if (cpu.machineBusy === null || cpu.postgres === null) return null;
  const ours = Object.values(cpu.processes).reduce<number>((sum, cores) => sum + (cores ?? 0), 0);
  return Math.max(0, cpu.machineBusy * cpu.cores - ours - cpu.postgres - (cpu.stolen ?? 0));
}
