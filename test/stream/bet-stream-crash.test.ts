/**
 * SIGKILL of the process consuming the bet stream, then restart: nothing lost, nothing twice.
 *
 * Method: the parent funds the players on PostgreSQL and publishes a seeded workload of bets,
 * wins and rollbacks through the game-server client. A child process (test/support/
 * stream-crash-child.ts) consumes it; once some of the outcomes are out, and before all of them,
 * the parent sends it a real SIGKILL. The parent then restarts the consumer on the same schema
 * and stream, and waits for the commands stream to empty. It checks that every command is stored
 * exactly once, the balances are the model's, the ledger verifies, and the outcomes stream holds
 * exactly one outcome per command, each accepted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { GameServerClient, type StreamOutcome } from '../../src/client/game-server-client.js';
import { BetStream } from '../../src/stream/bet-stream.js';
import { streamNames } from '../../src/stream/stream-settings.js';
import { deleteStreams, freshStreamPrefix, natsUrl, openNats, requireNats, streamMessages } from '../support/nats.js';
import { storedTransactions } from '../support/stored-ledger.js';
import { crashStreamSettings, streamCrashCroupierOptions, streamCrashPartitions, streamCrashProvider } from '../support/stream-crash.js';
import { modelBalances, seededRandom, streamCurrency, streamInitialCash, streamPlayers, streamWaves, type StreamOp } from '../support/stream-workload.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres } from '../support/stores.js';
import { createTestCroupier, type TestCroupier } from '../support/test-croupier.js';

const natsUp = await requireNats('bet stream SIGKILL');
const postgresUp = await requirePostgres('bet stream SIGKILL');

const playerCount = 40;
const commandCount = 6_000;
const outcomesBeforeKillMin = 1_000;
const waitMs = 45_000;
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(!natsUp || !postgresUp)('bet stream: SIGKILL of the consumer mid-stream', () => {
  const prefix = freshStreamPrefix('kill');
  const schema = freshSchema('croupier_stream_kill');
  const names = streamNames(prefix);
  const settings = crashStreamSettings(prefix);
  let child: ChildProcess | null = null;
  let croupier: TestCroupier | null = null;
  let stream: BetStream | null = null;
  let connection: NatsConnection | null = null;

  afterAll(async () => {
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    try {
      await stream?.stop();
      await croupier?.close();
      await connection?.close();
    } finally {
      await deleteStreams(prefix);
      await dropSchema(schema);
    }
  });

  it('loses nothing and applies nothing twice', { timeout: 90_000 }, async () => {
    const seed = Number(process.env.STREAM_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const say = (message: string): void => console.log(`[bet stream kill seed=${seed}] ${message}`);
    const players = streamPlayers(playerCount, 'kill');
    const options = streamCrashCroupierOptions(postgresUrl, schema);

    // Setup: players funded, streams made (by a consumer started and stopped at once), workload published.
    const setup = await createTestCroupier(options);
    for (const playerId of players) {
      expect(await setup.execute({ kind: 'register', playerId, currency: streamCurrency })).toMatchObject({ ok: true });
      expect(await setup.execute({ kind: 'deposit', source: 'operator', transactionId: `fund-${playerId}`, playerId, amount: streamInitialCash.toString(), currency: streamCurrency })).toMatchObject({ ok: true });
    }
    const maker = BetStream.start({ url: natsUrl, settings, croupier: setup, findProvider: () => undefined, log: { warn: () => undefined, error: () => undefined } });
    await waitFor(() => maker.status().connected, 10_000, 'the streams exist');
    await maker.stop();
    await setup.close();
    connection = await openNats();
    const client = new GameServerClient({ connection, providerId: streamCrashProvider.providerId, secret: streamCrashProvider.secrets[0] as string, partitionCount: streamCrashPartitions, subjectPrefix: prefix });
    const waves = streamWaves(players, commandCount, seededRandom(seed));
    for (const wave of waves) await Promise.all(wave.map((op) => publish(client, op)));
    const ops = waves.flat();
    expect(await streamMessages(connection, names.commandsStream)).toBe(commandCount);

    // Consume in a child, then SIGKILL it mid-stream.
    const running = spawn(process.execPath, ['--import', 'tsx', 'test/support/stream-crash-child.ts'], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STREAM_DATABASE_URL: postgresUrl, STREAM_SCHEMA: schema, STREAM_PREFIX: prefix, STREAM_NATS_URL: natsUrl },
    });
    child = running;
    let stderr = '';
    running.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => running.once('close', (_code, signal) => resolve(signal)));
    const open = connection;
    await waitFor(async () => (await streamMessages(open, names.outcomesStream)) >= outcomesBeforeKillMin, waitMs, `${outcomesBeforeKillMin} outcomes are out (${stderr})`);
    expect(running.kill('SIGKILL')).toBe(true);
    expect(await exited, `the child died of the SIGKILL: ${stderr}`).toBe('SIGKILL');
    const outcomesAtKill = await streamMessages(connection, names.outcomesStream);
    const commandsAtKill = await streamMessages(connection, names.commandsStream);
    say(`killed with ${outcomesAtKill} outcomes out and ${commandsAtKill} commands unacked`);
    expect(commandsAtKill, 'killed mid-stream').toBeGreaterThan(0);

    // Restart on the same schema and streams; wait until every command is acked and answered.
    croupier = await createTestCroupier(options);
    stream = BetStream.start({ url: natsUrl, settings, croupier, findProvider: (id) => (id === streamCrashProvider.providerId ? streamCrashProvider : undefined), log: { warn: () => undefined, error: () => undefined } });
    await waitFor(
      async () => (await streamMessages(open, names.commandsStream)) === 0 && (await streamMessages(open, names.outcomesStream)) >= commandCount,
      waitMs,
      'the restarted consumer drains the stream',
    );

    await waitFor(async () => (await stream?.pending())?.every((count) => count === 0) === true, waitMs, 'no command is pending on any partition');

    // Nothing twice, nothing lost: every command stored once, the model's balances, one outcome each.
    const stored = await storedTransactions(croupier.sql);
    expect(stored.size).toBe(players.length + commandCount);
    for (const op of ops) expect(stored.get(`${streamCrashProvider.providerId}/${op.body.transaction_id}`)?.copies, `${op.body.transaction_id} stored once`).toBe('1');
    expect(await croupier.verifyLedger()).toEqual([]);
    const model = modelBalances(players, ops);
    for (const playerId of players) {
      expect(await croupier.execute({ kind: 'balance', playerId }), `balance of ${playerId}`).toMatchObject({ ok: true, balance: { cash: model.get(playerId), bonus: 0n } });
    }
    expect(await streamMessages(connection, names.outcomesStream), 'one outcome per command').toBe(commandCount);
    const outcomes = await collect(client.outcomes(), commandCount);
    const byId = new Map(outcomes.map((outcome) => [outcome.messageId, outcome]));
    expect(byId.size).toBe(commandCount);
    const replays = outcomes.filter((outcome) => (outcome.body as { duplicate?: boolean }).duplicate === true).length;
    say(`outcomes: ${commandCount}, of which ${replays} answered a command the killed process had committed without publishing its outcome`);
    for (const op of ops) {
      expect(byId.get(`${streamCrashProvider.providerId}:${op.body.transaction_id}`), `outcome of ${op.body.transaction_id}`).toMatchObject({ status: 200, transactionId: op.body.transaction_id });
    }
  });
});

function publish(client: GameServerClient, op: StreamOp): Promise<unknown> {
  if (op.kind === 'rollback') return client.publishRollback(op.body);
  return op.kind === 'bet' ? client.publishBet(op.body) : client.publishWin(op.body);
}

async function collect(outcomes: AsyncGenerator<StreamOutcome>, count: number): Promise<StreamOutcome[]> {
  const read: StreamOutcome[] = [];
  for await (const outcome of outcomes) {
    read.push(outcome);
    if (read.length === count) break;
  }
  return read;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
