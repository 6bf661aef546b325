import { availableParallelism } from 'node:os';
import type pg from 'pg';
import { playerPrefix, type HttpBench } from './http-bench.js';
import { cpuPoint, cpuSplit, type CpuPoint, type CpuSplit } from './http-cpu.js';
import type { LoadConfig, LoadResult } from './http-load.js';
import { runLoad, type Child } from './http-processes.js';
import { waitForIdle } from './machine-idle.js';
import { backendsOf } from './postgres-backends.js';

export interface PhaseResult {
  readonly name: string;
  /** Which round of the ceiling, bet or half-peak phase (1-based); null for phases that run once. */
  readonly round: number | null;
  readonly mode: string;
  readonly load: LoadResult;
  readonly cpu: CpuSplit | null;
  readonly backends: number;
  readonly rate: number | null;
  /** The measured window, `performance.now()` at its edges. */
  readonly window: { readonly from: number; readonly to: number } | null;
}

/** What a phase chooses; the run's options fill in the rest of the load generator's config. */
export type PhaseConfig = Omit<LoadConfig, 'providerId' | 'secret' | 'players' | 'playerPrefix' | 'zipf' | 'connections' | 'warmupSeconds' | 'seconds'>;

/** Runs one load phase against `target`, reading CPU from /proc at the edges of the measured window. */
export async function runPhase(bench: HttpBench, name: string, round: number | null, admin: pg.Client, target: Child, config: PhaseConfig): Promise<PhaseResult> {
  const { options } = bench;
  // Set in the load callbacks: typed so that the checks below do not narrow them to their initial null.
  let start = null as CpuPoint | null;
  let startWaiting: Promise<void> = Promise.resolve();
  let end = null as CpuPoint | null;
  let backendPids: number[] = [];
  const pids = (loadPid: number) => ({ server: target.pid, load: loadPid, bench: process.pid });
  await waitForIdle(round === null ? name : `${name} (round ${round})`, options.idleWait, bench.out);
  const load = await runLoad(
    {
      ...config,
      providerId: bench.provider.id,
      secret: bench.provider.secret,
      players: options.players,
      playerPrefix,
      zipf: options.zipf,
      connections: options.connections,
      warmupSeconds: options.warmup,
      seconds: options.seconds,
    },
    (loadPid) => {
      startWaiting = backendsOf(admin, target.pid, bench.postgresPort)
        .catch(() => [])
        .then((found) => {
          backendPids = found;
          start = cpuPoint(pids(loadPid), backendPids);
        });
    },
    (loadPid) => {
      end = cpuPoint(pids(loadPid), backendPids);
    },
  );
  await startWaiting;
  const cores = availableParallelism();
  const measured = start === null || end === null ? null : { cpu: cpuSplit(start, end, cores), window: { from: start.at, to: end.at } };
  return { name, round, mode: config.mode, load, cpu: measured?.cpu ?? null, backends: backendPids.length, rate: config.rate ?? null, window: measured?.window ?? null };
}

/** Answers other than 200 in the measured window, errors without an answer included. */
export function errorsOf(load: LoadResult): number {
  return Object.entries(load.statuses).reduce((sum, [status, count]) => sum + (status === '200' ? 0 : count), 0);
}

/** The phase's name in the table and the notes: with its round when there are several. */
export function tableName(result: PhaseResult, rounds: number): string {
  return result.round === null || rounds === 1 ? result.name : `${result.name} #${result.round}`;
}
