import { benchMoneyLimitsEnvironment } from './bench-limits.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { GcTrace } from './gc-trace.js';
import type { LoadConfig, LoadResult } from './http-load.js';

/**
 * The child processes of bench/http.ts: the Croupier service, the Fastify ceiling server and the
 * load generator. Every wait is bounded; `stop` sends SIGTERM, then SIGKILL.
 */

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The heap flags of `npm start`, for every process here: the servers and the load generator. */
const nodeFlags = ['--max-semi-space-size=32', '--initial-old-space-size=1024', '--import', 'tsx'];

/** A child process with bounded buffers of what it said about problems. */
export class Child {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private alive = true;
  private stderr = '';
  /** Log lines at level error or fatal (pino 50/60) seen on stdout: how many, and the first few. */
  errorCount = 0;
  readonly firstErrors: string[] = [];

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    if (process.pid === undefined) throw new Error(`${name} did not start`);
    this.pid = process.pid;
    process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8_000);
    });
    this.exited = new Promise((resolve) => {
      process.once('close', (code, signal) => {
        this.alive = false;
        resolve({ code, signal });
      });
    });
  }

  running(): boolean {
    return this.alive;
  }

  problems(): string {
    return [...this.firstErrors, this.stderr].filter((text) => text !== '').join('\n');
  }
}

function launch(name: string, args: readonly string[], env: NodeJS.ProcessEnv): Child {
  return new Child(name, spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env }));
}

/** Resolves with the first capture of `pattern` in the child's stdout; afterwards stdout is only scanned for error lines. */
function watchStdout(child: Child, pattern: RegExp, waitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let found = false;
    let pending = '';
    const timer = setTimeout(() => {
      if (!found) reject(new Error(`${child.name} did not start within ${waitMs} ms: ${child.problems()}`));
    }, waitMs);
    child.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      // pino levels: 50 error, 60 fatal. Cheap scan: the request logs are most of this stream.
      if (chunk.includes('"level":50') || chunk.includes('"level":60')) {
        for (const line of chunk.split('\n')) {
          if (!line.includes('"level":50') && !line.includes('"level":60')) continue;
          child.errorCount += 1;
          if (child.firstErrors.length < 5) child.firstErrors.push(line.slice(0, 2_000));
        }
      }
      if (found) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = pattern.exec(line);
        if (match?.[1] === undefined) continue;
        found = true;
        clearTimeout(timer);
        resolve(match[1]);
        return;
      }
    });
    void child.exited.then((status) => {
      if (found) return;
      clearTimeout(timer);
      reject(new Error(`${child.name} exited before listening (${JSON.stringify(status)}): ${child.problems()}`));
    });
  });
}

/** A port that was free a moment ago (for a service that will not log where it listens). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls GET /health until it answers 200, the child exits, or `waitMs` passes. */
async function healthy(child: Child, url: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!child.running()) throw new Error(`${child.name} exited before answering /health: ${child.problems()}`);
    try {
      const response = await request(`${url}/health`, { headersTimeout: 1_000, bodyTimeout: 1_000 });
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${child.name} did not answer /health within ${waitMs} ms: ${child.problems()}`);
}

/**
 * `node --max-semi-space-size=32 --initial-old-space-size=1024 --import tsx src/main.ts` with `env`. With PORT=0 and an info log
 * level its URL is read from the "Server listening at" log line; with a quieter level (that line is
 * not written) a free port is chosen here and /health is polled.
 */
export async function startCroupier(
  env: Record<string, string>,
  cpuProfDir: string | null,
  traceGc: boolean,
  waitMs: number,
): Promise<{ child: Child; url: string; gc: GcTrace | null }> {
  const inherited = { ...process.env };
  delete inherited.REDIS_URL;
  const profile = cpuProfDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfDir];
  const logsListening = ['info', 'debug', 'trace'].includes(env.LOG_LEVEL ?? 'info');
  const port = logsListening ? 0 : await freePort();
  const spawnedAt = performance.now();
  const child = launch('croupier', [...nodeFlags, ...profile, ...(traceGc ? ['--trace-gc-nvp'] : []), 'src/main.ts'], {
    ...inherited,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...benchMoneyLimitsEnvironment,
    ...env,
  });
  // V8 writes the trace to stdout, between the log lines.
  const gc = traceGc ? new GcTrace(spawnedAt) : null;
  if (gc !== null) child.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => gc.read(chunk));
  try {
    if (!logsListening) {
      const url = `http://127.0.0.1:${port}`;
      void watchStdout(child, /(?!)/, waitMs).catch(() => undefined);
      await healthy(child, url, waitMs);
      return { child, url, gc };
    }
    const url = await watchStdout(child, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/, waitMs);
    return { child, url, gc };
  } catch (error) {
    await stop(child, 5_000);
    throw error;
  }
}

export function startCeiling(waitMs: number): Promise<{ child: Child; url: string }> {
  return startListening('ceiling', 'bench/lib/http-ceiling-server.ts', {}, waitMs);
}

/** Croupier's HTTP app over an engine that answers at once (bench/lib/http-no-engine-server.ts). */
export function startNoEngine(env: Record<string, string>, waitMs: number): Promise<{ child: Child; url: string }> {
  return startListening('no-engine', 'bench/lib/http-no-engine-server.ts', env, waitMs);
}

/** Starts a script that prints {"t":"listening","url":...} on stdout once it listens. */
async function startListening(name: string, script: string, env: Record<string, string>, waitMs: number): Promise<{ child: Child; url: string }> {
  const child = launch(name, [...nodeFlags, script], { ...process.env, ...env });
  try {
    const url = await watchStdout(child, /"url":"(http:\/\/127\.0\.0\.1:\d+)"/, waitMs);
    return { child, url };
  } catch (error) {
    await stop(child, 5_000);
    throw error;
  }
}

/** SIGTERM, then SIGKILL after `waitMs`; resolves once the process is gone. */
export async function stop(child: Child | null, waitMs: number): Promise<void> {
  if (child === null || !child.running()) return;
  child.process.kill('SIGTERM');
  const timedOut = await Promise.race([child.exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), waitMs))]);
  if (timedOut && child.running()) {
    child.process.kill('SIGKILL');
    await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, waitMs))]);
  }
}

/**
 * Runs bench/lib/http-load.ts with `config`: `onMeasure` is called (with its pid) when the measured window
 * opens, and the promise resolves with its result once it is done.
 */
export function runLoad(config: LoadConfig, onMeasure: (pid: number) => void, onDone: (pid: number) => void): Promise<LoadResult> {
  const child = launch('load', [...nodeFlags, 'bench/lib/http-load.ts', JSON.stringify(config)], process.env);
  const waitMs = (config.warmupSeconds + config.seconds) * 1000 + 60_000;
  return new Promise<LoadResult>((resolve, reject) => {
    let pending = '';
    let result: LoadResult | null = null;
    const timer = setTimeout(() => {
      child.process.kill('SIGKILL');
      reject(new Error(`the load generator did not finish within ${waitMs} ms: ${child.problems()}`));
    }, waitMs);
    child.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const message = JSON.parse(line) as { t: string } & LoadResult;
        if (message.t === 'measure') onMeasure(child.pid);
        if (message.t === 'done') {
          onDone(child.pid);
          result = message;
        }
      }
    });
    void child.exited.then((status) => {
      clearTimeout(timer);
      if (result !== null) resolve(result);
      else reject(new Error(`the load generator exited without a result (${JSON.stringify(status)}): ${child.problems()}`));
    });
  });
}
