/**
 * The process the crash test kills: it runs the engine on PostgreSQL and keeps hundreds of
 * commands in flight until it receives SIGKILL (protocol: test/support/crash-child-loop.ts).
 * Run by test/crash.test.ts as `node --import tsx test/support/crash-child.ts` with
 *   CRASH_DATABASE_URL, CRASH_SCHEMA, CRASH_SEED, CRASH_PLAYERS, CRASH_IN_FLIGHT.
 */
import { keepInFlight, requiredEnv, runChild } from './crash-child-loop.js';
import { crashCommand, CrashOpStream, crashPlayers } from './crash-ops.js';

const name = 'crash-child';

runChild(name, async () => {
  const stream = new CrashOpStream(Number(requiredEnv('CRASH_SEED', name)), crashPlayers(Number(requiredEnv('CRASH_PLAYERS', name))));
  await keepInFlight({ name, envPrefix: 'CRASH', inFlightDefault: 400, next: () => stream.next(), command: crashCommand });
});
