/**
 * The process the bet-stream SIGKILL test kills: a croupier on PostgreSQL consuming the bet
 * stream of the test's prefix until it receives SIGKILL. It prints `{"t":"ready"}` once started.
 * Run by test/stream/bet-stream-crash.test.ts as `node --import tsx test/support/stream-crash-child.ts`
 * with STREAM_DATABASE_URL, STREAM_SCHEMA, STREAM_PREFIX, STREAM_NATS_URL.
 */
import { createCroupier } from '../../src/croupier.js';
import { BetStream } from '../../src/stream/bet-stream.js';
import { requiredEnv } from './crash-child-loop.js';
import { crashStreamSettings, streamCrashCroupierOptions, streamCrashProvider } from './stream-crash.js';

const name = 'stream-crash-child';

const croupier = await createCroupier(streamCrashCroupierOptions(requiredEnv('STREAM_DATABASE_URL', name), requiredEnv('STREAM_SCHEMA', name)));
BetStream.start({
  url: requiredEnv('STREAM_NATS_URL', name),
  settings: crashStreamSettings(requiredEnv('STREAM_PREFIX', name)),
  croupier,
  findProvider: (id) => (id === streamCrashProvider.providerId ? streamCrashProvider : undefined),
  log: {
    warn: (fields, message) => process.stderr.write(`${name}: ${message} ${JSON.stringify(fields)}\n`),
    error: (fields, message) => process.stderr.write(`${name}: ${message} ${JSON.stringify(fields)}\n`),
  },
});
process.stdout.write('{"t":"ready"}\n');
