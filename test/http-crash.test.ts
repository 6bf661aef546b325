/**
 * HTTP crash: a server process killed with SIGKILL while clients send bets; every bet that got
 * 200 is in the ledger after restart, and retrying every bet (answered or not) with the same ids
 * leaves the ledger exactly right.
 *
 * Method: the real service (`node --import tsx src/main.ts`) runs as a child process on
 * PostgreSQL in a fresh schema (CROUPIER_DB_SCHEMA; PORT=0, the port is read from its "Server
 * listening at" log line). Players are registered and funded through the operator API. Then many
 * keep-alive connections (an undici Pool) send signed provider bets, and wins that settle bets
 * already answered 200, each with a unique transaction id; every move is recorded as attempted
 * before it is sent, with the status it got, if any. Once enough bets were answered 200 the server
 * gets a real SIGKILL. It is restarted on the same schema, and the test checks, with SQL and
 * through the API: each move answered 200 is stored exactly once with its parameters; nothing is
 * stored that was never attempted; the ledger verifies (src/store/verify-ledger.sql); balances are
 * the funding plus what is stored. Then it retries EVERY attempted move (bets first, then wins)
 * with the same id and body: each is answered 200, duplicate exactly when it was already stored;
 * afterwards every id is stored once, the ledger verifies and each balance is
 * funding − all attempted bets + all attempted wins. A second retry round changes nothing.
 * Set HTTP_CRASH_SEED to replay the workload (the seed is printed; the interleaving is not).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/store/postgres-client.js';
import type { SqlClient } from '../src/store/sql-client.js';
import { verifyLedger } from '../src/store/verify-ledger.js';
import {
  cashDelta,
  fundingDepositId,
  httpCrashCurrency,
  httpCrashFunding,
  httpCrashPlayerId,
  HttpCrashWorkload,
  type Move,
} from './support/http-crash-ops.js';
import { exitWithin, ServiceClient, startService, stopService, type ServiceProcess } from './support/http-crash-server.js';
import { storedBalances, storedTransactions, type StoredTransactionRow } from './support/stored-ledger.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres } from './support/stores.js';

const postgresUp = await requirePostgres('http crash test');

const provider = { id: 'http-crash-games', secret: 'http-crash-secret-0123456789abcdef' };
const operatorKey = 'http-crash-operator-key-0123456789';
const playerCount = 64;
const connections = 48;
const winShare = 0.2;
const answeredBetsBeforeKillMin = 1_500;
const startMs = 30_000;
const loadMs = 30_000;
const exitMs = 10_000;
const settleMs = 20_000;

const keyOf = (move: Move): string => `${provider.id}/${move.transactionId}`;

function expectStoredAsSent(row: StoredTransactionRow | undefined, move: Move, what: string): void {
  expect(row, `${what}: ${move.kind} ${move.transactionId} is in the ledger`).toBeDefined();
  if (row === undefined) return;
  expect(
    { copies: row.copies, player: row.player_id, kind: row.kind, amount: row.amount, round: row.round_id },
    `${what}: ${move.kind} ${move.transactionId} is stored once, as sent`,
  ).toEqual({ copies: '1', player: move.playerId, kind: move.kind, amount: move.amount.toString(), round: move.roundId });
}

/** funding + the cash moves of `moves`, per player. */
function expectedCash(players: readonly string[], moves: Iterable<Move>): Map<string, bigint> {
  const cash = new Map(players.map((playerId) => [playerId, httpCrashFunding]));
  for (const move of moves) cash.set(move.playerId, (cash.get(move.playerId) ?? 0n) + cashDelta(move));
  return cash;
}

/** The ledger verifies, and every balance — in the players table and as GET /v1/players answers it — is `expected`. */
async function expectBalances(sql: SqlClient, client: ServiceClient, players: readonly string[], expected: Map<string, bigint>, when: string): Promise<void> {
  expect(await verifyLedger(sql), `verify-ledger ${when}`).toEqual([]);
  const stored = await storedBalances(sql);
  const answers = await Promise.all(players.map((playerId) => client.operator('GET', `/v1/players/${playerId}`)));
  players.forEach((playerId, index) => {
    const want = expected.get(playerId) as bigint;
    expect(stored.get(playerId), `stored balance of ${playerId} ${when}`).toEqual({ cash: want, bonus: 0n });
    expect(answers[index], `GET /v1/players/${playerId} ${when}`).toMatchObject({
      status: 200,
      body: { player_id: playerId, balance: { cash: want.toString(), bonus: '0', total: want.toString() } },
    });
  });
}

function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms).unref();
  });
}

describe.skipIf(!postgresUp)('http crash: SIGKILL of the service process under signed HTTP load, on PostgreSQL', () => {
  const schema = freshSchema('croupier_http_crash');
  const env = {
    DATABASE_URL: postgresUrl,
    CROUPIER_DB_SCHEMA: schema,
    CROUPIER_POOL_SIZE: '8',
    CROUPIER_PROVIDERS: `${provider.id}:${provider.secret}`,
    CROUPIER_OPERATOR_KEYS: operatorKey,
    // The limits are not under test here; the load must not be refused by them.
    CROUPIER_RATE_LIMIT_PROVIDER: '1000000',
    CROUPIER_RATE_LIMIT_OPERATOR: '1000000',
    LOG_LEVEL: 'info',
  };
  const services: ServiceProcess[] = [];
  const clients: ServiceClient[] = [];
  let sql: SqlClient | null = null;

  afterAll(async () => {
    for (const client of clients) await client.close();
    for (const service of services) await stopService(service, exitMs);
    await sql?.close().catch(() => undefined);
    if (postgresUp) await dropSchema(schema);
  });

  it('keeps every bet answered 200, and retries of every attempted bet leave the ledger exactly right', { timeout: 110_000 }, async () => {
    const seed = Number(process.env.HTTP_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    // Kill somewhere past the minimum so that the moment varies from run to run.
    const killAfter = answeredBetsBeforeKillMin + (seed % 1_500);
    const started = performance.now();
    const say = (message: string): void => console.log(`[http-crash seed=${seed} +${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`);
    const players = Array.from({ length: playerCount }, (_, index) => httpCrashPlayerId(index));

    // Start, register and fund through the operator API.
    const first = await startService(env, startMs);
    services.push(first);
    const firstClient = new ServiceClient(first.url, connections, provider, operatorKey);
    clients.push(firstClient);
    const registered = await Promise.all(players.map((playerId) => firstClient.operator('POST', '/v1/players', { player_id: playerId, currency: httpCrashCurrency })));
    expect(registered.filter((reply) => reply.status !== 201), `registrations refused; service log:\n${first.output()}`).toEqual([]);
    const funded = await Promise.all(
      players.map((playerId) =>
        firstClient.operator('POST', `/v1/players/${playerId}/deposits`, { transaction_id: fundingDepositId(playerId), amount: httpCrashFunding.toString() }),
      ),
    );
    expect(funded.filter((reply) => reply.status !== 200), `deposits refused; service log:\n${first.output()}`).toEqual([]);

    say(`service up at ${first.url}; ${players.length} players registered and funded`);

    // Load: `connections` loops, each one request at a time on its keep-alive connection.
    const workload = new HttpCrashWorkload(seed, players, winShare);
    let stopping = false;
    let answeredBets = 0;
    const unexpected: Move[] = [];
    const loop = async (): Promise<void> => {
      while (!stopping) {
        const move = workload.next();
        try {
          const reply = await firstClient.provide(move.kind, move.rawBody);
          workload.answered(move, reply.status, reply.body);
          if (reply.status === 200 && move.kind === 'bet') answeredBets += 1;
          if (reply.status !== 200) unexpected.push(move);
        } catch (error) {
          move.error = (error as { code?: string }).code ?? String(error);
          if (!stopping) unexpected.push(move);
        }
      }
    };
    const loops = Array.from({ length: connections }, () => loop());
    const deadline = Date.now() + loadMs;
    while (answeredBets < killAfter) {
      if (!first.isRunning()) throw new Error(`the service exited under load:\n${first.output()}`);
      if (unexpected.length > 0) break;
      if (Date.now() > deadline) throw new Error(`only ${answeredBets} bets answered 200 within ${loadMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    stopping = true;
    expect(first.child.kill('SIGKILL')).toBe(true);
    const status = await exitWithin(first, exitMs);
    expect(status.signal, `the service died of the SIGKILL:\n${first.output()}`).toBe('SIGKILL');
    // Requests in flight at the kill end with a socket error; wait until every loop has stopped.
    await Promise.race([Promise.all(loops), timeout(settleMs, 'the load loops after the kill')]);
    await firstClient.close();
    expect(
      unexpected.map((move) => ({ id: move.transactionId, kind: move.kind, status: move.status, reply: move.reply, error: move.error })),
      'before the kill every request was answered 200',
    ).toEqual([]);

    const moves = workload.moves;
    const answered = moves.filter((move) => move.status === 200);
    const unanswered = moves.filter((move) => move.status === null);
    expect(answered.length + unanswered.length).toBe(moves.length);
    say(`killed after ${answeredBets} bets answered 200; ${moves.length} moves attempted, ${answered.length} answered, ${unanswered.length} without an answer`);

    // Every answer says what was asked.
    for (const move of answered) {
      expect(move.reply, `reply to ${move.transactionId}`).toMatchObject({ transaction_id: move.transactionId, currency: httpCrashCurrency, duplicate: false });
    }

    // Restart on the same schema.
    const second = await startService(env, startMs);
    services.push(second);
    say(`restarted at ${second.url}`);
    const client = new ServiceClient(second.url, connections, provider, operatorKey);
    clients.push(client);
    sql = await openPostgres({ connectionString: postgresUrl, poolSize: 2, schema });
    const db = sql;

    // 1. Every move answered 200 is stored exactly once, as sent; everything stored was attempted.
    const before = await storedTransactions(db);
    for (const move of answered) expectStoredAsSent(before.get(keyOf(move)), move, 'after restart');
    const byKey = new Map(moves.map((move) => [keyOf(move), move]));
    const fundingKeys = new Set(players.map((playerId) => `operator/${fundingDepositId(playerId)}`));
    for (const [key, row] of before) {
      if (fundingKeys.has(key)) {
        expect({ kind: row.kind, amount: row.amount, copies: row.copies }).toEqual({ kind: 'deposit', amount: httpCrashFunding.toString(), copies: '1' });
        continue;
      }
      const move = byKey.get(key);
      expect(move, `stored transaction ${key} was attempted`).toBeDefined();
      if (move !== undefined) expectStoredAsSent(row, move, 'after restart');
    }
    expect(before.size - fundingKeys.size).toBeGreaterThanOrEqual(answered.length);
    const storedBeforeRetry = moves.filter((move) => before.has(keyOf(move)));
    say(`after restart: ${storedBeforeRetry.length} moves stored, ${storedBeforeRetry.length - answered.length} of them never answered`);

    // ... and the API finds each answered one.
    const lookups = await Promise.all(answered.map((move) => client.operator('GET', `/v1/transactions/${provider.id}/${move.transactionId}`)));
    lookups.forEach((reply, index) => {
      const move = answered[index] as Move;
      expect(reply, `GET /v1/transactions/${provider.id}/${move.transactionId}`).toMatchObject({
        status: 200,
        body: { transaction_id: move.transactionId, type: move.kind, amount: move.amount.toString(), round_id: move.roundId },
      });
    });

    // 2. The ledger verifies; each balance is the funding plus the stored moves.
    await expectBalances(db, client, players, expectedCash(players, storedBeforeRetry), 'after restart');

    // 3. Retry every attempted move with the same id and body: bets, then the wins that settle them.
    const retry = async (kind: 'bet' | 'win'): Promise<void> => {
      const batch = moves.filter((move) => move.kind === kind);
      const replies = await Promise.all(batch.map((move) => client.provide(move.kind, move.rawBody)));
      replies.forEach((reply, index) => {
        const move = batch[index] as Move;
        expect(reply, `retry of ${kind} ${move.transactionId} (answered: ${move.status === 200}, stored: ${before.has(keyOf(move))})`).toMatchObject({
          status: 200,
          body: { transaction_id: move.transactionId, duplicate: before.has(keyOf(move)) },
        });
      });
    };
    await retry('bet');
    await retry('win');

    const after = await storedTransactions(db);
    expect(after.size).toBe(players.length + moves.length);
    for (const move of moves) expectStoredAsSent(after.get(keyOf(move)), move, 'after the retries');
    const whole = expectedCash(players, moves);
    await expectBalances(db, client, players, whole, 'after the retries');
    say(`retries: ${moves.length} moves answered 200, ${storedBeforeRetry.length} as duplicates; ledger and balances exact`);

    // A second retry round: all duplicates, nothing moves.
    const again = await Promise.all(moves.map((move) => client.provide(move.kind, move.rawBody)));
    expect(again.filter((reply) => reply.status !== 200 || (reply.body as { duplicate?: unknown }).duplicate !== true)).toEqual([]);
    expect((await storedTransactions(db)).size).toBe(players.length + moves.length);
    await expectBalances(db, client, players, whole, 'after the second retries');

    // The restarted service drains and exits cleanly.
    await client.close();
    second.child.kill('SIGTERM');
    expect(await exitWithin(second, exitMs), `clean exit:\n${second.output()}`).toEqual({ code: 0, signal: null });
  });
});
