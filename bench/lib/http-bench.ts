import type { Child } from './http-processes.js';
import type { HttpOptions, PhaseName } from './http-options.js';

/** Player ids of the run: the prefix and an index below --players. */
export const playerPrefix = 'bench-player-';
/** Minor units deposited for each player: more than any run bets. */
export const funding = 1_000_000_000n;
/** How long a server may take to start, and to stop before it is killed. */
export const startMs = 60_000;
export const stopMs = 15_000;

/** What every part of one bench:http run shares. */
export interface HttpBench {
  readonly options: HttpOptions;
  readonly phases: readonly PhaseName[];
  /** The human lines: stdout, or stderr with --json. */
  readonly out: (line: string) => void;
  /** Makes the schema, the secrets and the transaction ids unique to this run. */
  readonly runTag: string;
  readonly schema: string;
  readonly provider: { readonly id: string; readonly secret: string };
  readonly operatorKey: string;
  /** PostgreSQL's port, to find the backends serving a process through its client ports. */
  readonly postgresPort: number;
  /** Child processes still running: stopped on the way out, also after Ctrl-C. */
  readonly children: Set<Child>;
}

export function createHttpBench(options: HttpOptions, phases: readonly PhaseName[]): HttpBench {
  const runTag = `${Date.now().toString(36)}_${process.pid}`;
  return {
    options,
    phases,
    out: options.json ? console.error : console.log,
    runTag,
    schema: `bench_http_${runTag}`,
    provider: { id: 'bench-http', secret: `bench-http-secret-${runTag}` },
    operatorKey: `bench-http-operator-${runTag}`,
    postgresPort: Number(new URL(options.databaseUrl).port || '5432'),
    children: new Set<Child>(),
  };
}
