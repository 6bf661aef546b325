/**
 * The process the crash test kills: it runs the engine on PostgreSQL and keeps hundreds of
 * commands in flight until it receives SIGKILL. Run by test/crash.test.ts as
 * `node --import tsx test/support/crash-child.ts` with
 *   CRASH_DATABASE_URL, CRASH_SCHEMA, CRASH_SEED, CRASH_PLAYERS, CRASH_IN_FLIGHT.
 *
 * stdout protocol (one JSON object per line, see CrashLine), written synchronously:
 *   - `try` BEFORE the ops it announces are submitted, so the parent knows every attempted op;
 *   - `ack` only AFTER execute() resolved with ok: true, never before.
 */
import { writeSync } from 'node:fs';
import { createCroupier } from '../../src/croupier.js';
import { crashCommand, CrashOpStream, crashPartitionCount, crashPlayers, type CrashLine, type CrashOp } from './crash-ops.js';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`crash-child: ${name} is required`);
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

async function main(): Promise<void> {
  const seed = Number(required('CRASH_SEED'));
  const players = crashPlayers(Number(required('CRASH_PLAYERS')));
  const inFlightMax = Number(process.env.CRASH_IN_FLIGHT ?? '400');
  const croupier = await createCroupier({
    databaseUrl: required('CRASH_DATABASE_URL'),
    schema: required('CRASH_SCHEMA'),
    poolSize: 8,
    engine: { partitionCount: crashPartitionCount },
    onError: (partition, error) => process.stderr.write(`crash-child: partition ${partition}: ${String(error)}\n`),
  });
  emit({ t: 'ready', pid: process.pid });

  const stream = new CrashOpStream(seed, players);
  let submitted = 0;
  let inFlight = 0;

  const settle = (op: CrashOp, outcome: Awaited<ReturnType<typeof croupier.execute>>): void => {
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
    const ops = Array.from({ length: room }, () => stream.next());
    emit({ t: 'try', to: submitted + ops.length });
    submitted += ops.length;
    inFlight += ops.length;
    for (const op of ops) {
      croupier.execute(crashCommand(op)).then(
        (outcome) => settle(op, outcome),
        (error: unknown) => {
          process.stderr.write(`crash-child: execute threw for op ${op.index}: ${String(error)}\n`);
          process.exit(3);
        },
      );
    }
  };
  refill();
  // Runs until killed; the parent bounds how long it waits.
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
