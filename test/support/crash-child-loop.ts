/**
 * The child side of the SIGKILL tests: a croupier on PostgreSQL kept busy with hundreds of
 * commands in flight until the process is killed. stdout protocol (one JSON object per line, see
 * CrashLine), written synchronously:
 *   - `try` BEFORE the ops it announces are submitted, so the parent knows every attempted op;
 *   - `ack` only AFTER execute() resolved with ok: true, never before.
 */
import { roomyMoneyLimits } from './roomy-limits.js';
import { writeSync } from 'node:fs';
import type { CommandInput } from '../../src/core/commands.js';
import { createCroupier } from '../../src/croupier.js';
import { crashPartitionCount, type CrashLine } from './crash-ops.js';

export interface LoopOp {
  readonly index: number;
  readonly transactionId: string;
  readonly kind: string;
  readonly playerId: string;
  readonly amount: bigint;
}

export interface LoopOptions<Op extends LoopOp> {
  /** Prefix of the environment variables (`<prefix>_DATABASE_URL`, `_SCHEMA`, `_IN_FLIGHT`) and of error lines. */
  readonly name: string;
  readonly envPrefix: string;
  readonly inFlightDefault: number;
  readonly next: () => Op;
  readonly command: (op: Op) => CommandInput;
}

export function requiredEnv(name: string, label: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${label}: ${name} is required`);
  return value;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** A blocking write: once it returns, the bytes are in the pipe and survive a SIGKILL. */
function emit(...lines: CrashLine[]): void {
  const buffer = Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(1, buffer, offset, buffer.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1); // the parent is behind reading: wait for the pipe to drain
    }
  }
}

/** Opens the croupier and keeps the window of commands full; runs until killed (the parent bounds how long it waits). */
export async function keepInFlight<Op extends LoopOp>(options: LoopOptions<Op>): Promise<void> {
  const { name, envPrefix } = options;
  const inFlightMax = Number(process.env[`${envPrefix}_IN_FLIGHT`] ?? String(options.inFlightDefault));
  const croupier = await createCroupier({
    databaseUrl: requiredEnv(`${envPrefix}_DATABASE_URL`, name),
    schema: requiredEnv(`${envPrefix}_SCHEMA`, name),
    poolSize: 8,
    engine: { partitionCount: crashPartitionCount, moneyLimits: roomyMoneyLimits },
    subscribers: [{ name: 'stderr', failed: ({ partition, error }) => void process.stderr.write(`${name}: partition ${partition}: ${String(error)}\n`) }],
  });
  emit({ t: 'ready', pid: process.pid });

  let submitted = 0;
  let inFlight = 0;

  const settle = (op: Op, outcome: Awaited<ReturnType<typeof croupier.execute>>): void => {
    inFlight -= 1;
    if (outcome.ok) {
      emit({ t: 'ack', i: op.index, id: op.transactionId, kind: op.kind, player: op.playerId, amount: op.amount.toString(), dup: outcome.duplicate });
    } else {
      emit({ t: 'refused', i: op.index, code: outcome.code, message: outcome.message });
    }
    refill();
  };

  // Tops the window up; the `try` line for the whole group is written before any of it is submitted.
  const refill = (): void => {
    const room = inFlightMax - inFlight;
    if (room < Math.min(32, inFlightMax)) return;
    const ops = Array.from({ length: room }, () => options.next());
    emit({ t: 'try', to: submitted + ops.length });
    submitted += ops.length;
    inFlight += ops.length;
    for (const op of ops) {
      croupier.execute(options.command(op)).then(
        (outcome) => settle(op, outcome),
        (error: unknown) => {
          process.stderr.write(`${name}: execute threw for op ${op.index}: ${String(error)}\n`);
          process.exit(3);
        },
      );
    }
  };
  refill();
}

/** Runs a child's main, reporting a failure on stderr with the child's name. */
export function runChild(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  });
}
