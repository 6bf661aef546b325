import { monitorEventLoopDelay } from 'node:perf_hooks';
import { clearInterval, setImmediate, setInterval } from 'node:timers';
import { cpuBetween, cpuSnapshot, type CpuUse } from './cpu.js';
import { Samples } from './stats.js';
import type { Op, Workload } from './workload.js';

/** What a target answers: accepted, or refused with a code. */
export interface Answer {
  readonly ok: boolean;
  readonly code?: string;
}

export interface Target {
  execute(op: Op): Promise<Answer>;
}

export interface RunOptions {
  readonly concurrency: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Called when the measured window opens and closes (e.g. to sample batch sizes). */
  readonly onWindow?: (phase: 'open' | 'close') => void;
  /** Prints answered operations per second while running (to find stalls). */
  readonly progress?: (line: string) => void;
}

export interface RunResult {
  /** Operations answered inside the measured window. */
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  /** Refusals by code over the whole run, warm-up included. */
  readonly refused: Record<string, number>;
  readonly answered: number;
  readonly byKind: Record<string, number>;
  readonly cpu: CpuUse;
  /** Event-loop delay in the measured window (how long a timer or a socket would have waited), ms. */
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
  /** Times the event loop had not turned for 100 ms, so that the submitters had to step aside. */
  readonly stalls: number;
}

/** Past this, the submitters yield to the event loop (see runClosedLoop). */
const starvationMs = 100;

/**
 * A closed loop: `concurrency` submitters, each submitting its next operation as soon as the
 * previous one is answered. Latency is from submit to answer. Only operations answered inside
 * the measured window count; the warm-up before it and the drain after it do not.
 *
 * When a target answers entirely through promise continuations (the engine on PGlite, whose
 * queries run synchronously in this thread) and its queues stay full, submitters and writers can
 * keep each other busy in the microtask queue forever: no timer fires and no I/O is read. A real
 * client's next request arrives through I/O, so it cannot do that; the submitters here step aside
 * (setImmediate) whenever a 10 ms heartbeat has not run for 100 ms, and count how often.
 */
export async function runClosedLoop(target: Target, workload: Workload, options: RunOptions): Promise<RunResult> {
  const tally = new Tally();
  let stopping = false;
  let stalls = 0;
  let stalledAt = -1;
  let lastBeat = performance.now();
  const heartbeat = setInterval(() => (lastBeat = performance.now()), 10);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });

  const submitter = async (): Promise<void> => {
    while (!stopping) {
      if (performance.now() - lastBeat > starvationMs) {
        if (stalledAt !== lastBeat) {
          stalledAt = lastBeat;
          stalls += 1;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const op = workload.next();
      const started = performance.now();
      let answer: Answer;
      try {
        answer = await target.execute(op);
      } catch (error) {
        answer = { ok: false, code: `THROWN:${error instanceof Error ? error.message.slice(0, 60) : String(error)}` };
      }
      const latency = performance.now() - started;
      workload.answered(op, answer.ok);
      tally.record(op, answer, latency);
    }
  };

  const submitters = Array.from({ length: options.concurrency }, () => submitter());
  const ticker = options.progress === undefined ? null : progressTicker(options.progress, () => tally.answered);
  await sleep(options.warmupSeconds * 1000);
  const cpuStart = cpuSnapshot();
  options.onWindow?.('open');
  loopDelay.enable();
  tally.measuring = true;
  const windowStart = performance.now();
  await sleep(options.seconds * 1000);
  tally.measuring = false;
  const windowEnd = performance.now();
  loopDelay.disable();
  options.onWindow?.('close');
  const cpuEnd = cpuSnapshot();
  stopping = true;
  await Promise.all(submitters);
  if (ticker !== null) clearInterval(ticker);
  clearInterval(heartbeat);
  return {
    ...tally.result((windowEnd - windowStart) / 1000),
    cpu: cpuBetween(cpuStart, cpuEnd),
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    loopDelayMax: loopDelay.max / 1e6,
    stalls,
  };
}

/** What the submitters heard: every answer, and latencies and kinds inside the measured window. */
class Tally {
  readonly samples = new Samples();
  /** Refusals by code over the whole run, warm-up included. */
  readonly refused: Record<string, number> = {};
  readonly byKind: Record<string, number> = {};
  answered = 0;
  windowOps = 0;
  measuring = false;

  record(op: Op, answer: Answer, latency: number): void {
    this.answered += 1;
    if (!answer.ok) {
      const code = answer.code ?? 'UNKNOWN';
      this.refused[code] = (this.refused[code] ?? 0) + 1;
    }
    if (this.measuring) {
      this.windowOps += 1;
      this.samples.add(latency);
      this.byKind[op.kind] = (this.byKind[op.kind] ?? 0) + 1;
    }
  }

  result(seconds: number): Omit<RunResult, 'cpu' | 'loopDelayP99' | 'loopDelayMax' | 'stalls'> {
    const [p50 = Number.NaN, p90 = Number.NaN, p99 = Number.NaN, max = Number.NaN] = this.samples.percentiles(0.5, 0.9, 0.99, 1);
    return {
      ops: this.windowOps,
      seconds,
      opsPerSecond: this.windowOps / seconds,
      p50,
      p90,
      p99,
      max,
      mean: this.samples.mean(),
      refused: this.refused,
      answered: this.answered,
      byKind: this.byKind,
    };
  }
}

/** Prints answered operations per second, every second. */
function progressTicker(progress: (line: string) => void, answered: () => number): NodeJS.Timeout {
  let lastAnswered = 0;
  let lastAt = performance.now();
  return setInterval(() => {
    const now = performance.now();
    const count = answered();
    progress(`    ${((count - lastAnswered) / ((now - lastAt) / 1000)).toFixed(0)} ops/s, ${count} answered`);
    lastAnswered = count;
    lastAt = now;
  }, 1000);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
