/**
 * The parent side of the SIGKILL tests (test/crash.test.ts, test/bonus-crash.test.ts): runs a
 * child script that keeps commands in flight and speaks the CrashLine protocol, reads its lines,
 * and kills it with a real SIGKILL once it has acknowledged enough.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CrashLine } from './crash-ops.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const exitWaitMs = 10_000;

export type Ack = Extract<CrashLine, { t: 'ack' }>;

/** What the parent read from the child, complete lines only. */
export class ChildLog {
  attempted = 0;
  readonly acks = new Map<number, Ack>();
  readonly refusals: { i: number; code: string; message: string }[] = [];
  ready = false;
  stderr = '';
  /** Bytes after the last newline when stdout closed: a line cut by the kill, ignored. */
  cutLine = '';
  private pending = '';
  private readonly waiters: (() => void)[] = [];

  feed(chunk: string): void {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    for (const text of lines) this.line(JSON.parse(text) as CrashLine);
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  end(): void {
    this.cutLine = this.pending;
    this.pending = '';
  }

  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private line(line: CrashLine): void {
    switch (line.t) {
      case 'ready':
        this.ready = true;
        break;
      case 'try':
        this.attempted = Math.max(this.attempted, line.to);
        break;
      case 'ack':
        if (line.i >= this.attempted) throw new Error(`ack for op ${line.i} before its try line`);
        if (this.acks.has(line.i)) throw new Error(`op ${line.i} acked twice`);
        this.acks.set(line.i, line);
        break;
      case 'refused':
        this.refusals.push(line);
        break;
    }
  }
}

export interface Killed {
  readonly log: ChildLog;
  readonly signal: NodeJS.Signals | null;
  /** Acks and attempts read when the kill was sent, and after the pipe drained (lines already in it count). */
  readonly acksAtKill: number;
  readonly attemptedAtKill: number;
  readonly acked: ReadonlyMap<number, Ack>;
  readonly attempted: number;
}

export interface LoadOptions {
  /** The child script, relative to the repository root. */
  readonly script: string;
  readonly env: Record<string, string>;
  readonly killAfterAcks: number;
  readonly ackWaitMs: number;
  /** Called with the child as soon as it is spawned, so that a failed test can still kill it. */
  readonly spawned: (child: ChildProcess) => void;
}

/** Runs the child until it has acknowledged `killAfterAcks` operations, then sends it a real SIGKILL. */
export async function loadThenKill(options: LoadOptions): Promise<Killed> {
  const log = new ChildLog();
  const running = spawn(process.execPath, ['--import', 'tsx', options.script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  options.spawned(running);
  const exited = waitForExit(running);
  exited.catch(() => undefined);
  running.stdout?.setEncoding('utf8').on('data', (chunk: string) => log.feed(chunk));
  running.stdout?.on('end', () => log.end());
  running.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log.stderr += chunk));
  let early: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((status) => (early = status));

  const deadline = Date.now() + options.ackWaitMs;
  while (log.acks.size < options.killAfterAcks) {
    if (early !== null) throw new Error(`the child exited before the kill (${JSON.stringify(early)}): ${log.stderr}`);
    if (Date.now() > deadline) throw new Error(`only ${log.acks.size} acks within ${options.ackWaitMs} ms: ${log.stderr}`);
    await Promise.race([log.changed(), new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  const acksAtKill = log.acks.size;
  const attemptedAtKill = log.attempted;
  if (!running.kill('SIGKILL')) throw new Error(`could not send SIGKILL to child ${running.pid}`);
  const status = await exited;
  return { log, signal: status.signal, acksAtKill, attemptedAtKill, acked: new Map(log.acks), attempted: log.attempted };
}

function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child ${child.pid} did not exit within ${exitWaitMs} ms`)), exitWaitMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}
