/**
 * `npm start` without the npm, for tests of the service's start-up: src/main.ts as a child
 * process with a clean environment (no keys, providers, Redis or NODE_ENV from the caller's),
 * PORT=0 and DATABASE_URL unset, so it runs on the PGlite folder the test names.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface MainProcess {
  readonly pid: number;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

const inheritedNot = ['CROUPIER_OPERATOR_KEYS', 'CROUPIER_PROVIDERS', 'REDIS_URL', 'NODE_ENV', 'LOG_LEVEL', 'HOST', 'PORT', 'CROUPIER_DATA_DIR'];

export function startMain(dataDir: string, env: Record<string, string> = {}): MainProcess {
  const base = { ...process.env };
  for (const name of inheritedNot) delete base[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...base, PORT: '0', CROUPIER_DATA_DIR: dataDir, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid === undefined) throw new Error('src/main.ts did not start');
  return { pid: child.pid, output: () => output, exited, kill: (signal) => child.kill(signal) };
}

/** The address from Fastify's "Server listening at" line. */
export function listeningAt(server: MainProcess, host = '127\\.0\\.0\\.1'): string | undefined {
  return new RegExp(`Server listening at (http://${host}:\\d+)`).exec(server.output())?.[1];
}

export async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves with the exit code, or 'timeout'. */
export function exitWithin(server: MainProcess, timeoutMs: number): Promise<number | null | 'timeout'> {
  return Promise.race([server.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs))]);
}

export function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
