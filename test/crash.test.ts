/**
 * Crash: a child process running the engine on PostgreSQL is sent SIGKILL under load; after
 * restart every acknowledged operation is present exactly once and no unacknowledged one is half
 * applied.
 *
 * Method: the parent registers and funds the players, then spawns test/support/crash-child.ts,
 * which replays a seeded stream of bets, wins and deposits (test/support/crash-ops.ts) with
 * hundreds of commands in flight. The child prints a `try` line before submitting ops and an
 * `ack` line only after execute() answered ok. Once enough acks have been read, the parent sends
 * a real SIGKILL, opens a fresh croupier on the same schema (the restart) and checks the store
 * against what it heard: acked ops exactly once with their parameters, no op it never attempted,
 * a ledger that verifies, balances that add up. Finally it retries every attempted op with the
 * same ids and parameters and checks the ledger is then exactly the whole attempted workload.
 * Set CRASH_SEED to replay a run (the seed is printed).
 */
import { roomyMoneyLimits } from './support/roomy-limits.js';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import {
  crashCommand,
  crashCurrency,
  crashDelta,
  crashInitialCash,
  CrashOpStream,
  crashPartitionCount,
  crashPlayers,
  initialDepositId,
  type CrashOp,
} from './support/crash-ops.js';
import { loadThenKill } from './support/crash-parent.js';
import { storedBalances, storedTransactions, type StoredTransactionRow } from './support/stored-ledger.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres } from './support/stores.js';
import { createTestCroupier, type TestCroupier } from './support/test-croupier.js';

const postgresUp = await requirePostgres('crash test');

const playerCount = 120;
const inFlight = 400;
const acksBeforeKillMin = 2_000;
const ackWaitMs = 60_000;

interface TransactionRow extends StoredTransactionRow {
  game_id: string | null;
  player_postings: string;
  postings: string;
}

/** Every transaction of the store, with how many rows share its id and what its postings move. */
function transactions(croupier: TestCroupier): Promise<Map<string, TransactionRow>> {
  return storedTransactions<TransactionRow>(
    croupier.sql,
    `t.game_id,
     coalesce((SELECT sum(p.amount) FROM postings p WHERE p.ledger_id = t.ledger_id AND p.player_id = t.player_id), 0)::text AS player_postings,
     (SELECT count(*) FROM postings p WHERE p.ledger_id = t.ledger_id)::text AS postings`,
  );
}

/** cash = initial deposit + deposits - bets + wins, summed over the transactions the store holds. */
function cashFromTransactions(rows: Iterable<TransactionRow>): Map<string, bigint> {
  const cash = new Map<string, bigint>();
  for (const row of rows) {
    const sign = row.kind === 'bet' ? -1n : row.kind === 'deposit' || row.kind === 'win' ? 1n : 0n;
    expect(sign, `unexpected ${row.kind} ${row.transaction_id}`).not.toBe(0n);
    cash.set(row.player_id, (cash.get(row.player_id) ?? 0n) + sign * BigInt(row.amount));
  }
  return cash;
}

function expectRowMatches(row: TransactionRow | undefined, op: CrashOp): void {
  expect(row, `op ${op.index} (${op.transactionId}) is in the store`).toBeDefined();
  if (row === undefined) return;
  expect(row.copies, `op ${op.index} is stored exactly once`).toBe('1');
  expect(
    { player: row.player_id, kind: row.kind, amount: row.amount, round: row.round_id, game: row.game_id },
    `op ${op.index} is stored with its parameters`,
  ).toEqual({ player: op.playerId, kind: op.kind, amount: op.amount.toString(), round: op.roundId, game: op.gameId });
  // Fully applied: the player's postings move exactly the op's amount (a 0 win has no postings).
  expect(BigInt(row.player_postings), `op ${op.index} postings`).toBe(crashDelta(op));
  expect(Number(row.postings) > 0, `op ${op.index} has postings`).toBe(op.amount !== 0n);
}

/** Checks ledger, stored balances and the engine's `balance` answers against `expected` cash. */
async function expectBalances(croupier: TestCroupier, players: readonly string[], expected: Map<string, bigint>, when: string): Promise<void> {
  expect(await croupier.verifyLedger(), `verifyLedger ${when}`).toEqual([]);
  const stored = await storedBalances(croupier.sql);
  const answers = await Promise.all(players.map((playerId) => croupier.execute({ kind: 'balance', playerId })));
  players.forEach((playerId, index) => {
    const want = expected.get(playerId) ?? 0n;
    expect(stored.get(playerId), `stored balance of ${playerId} ${when}`).toEqual({ cash: want, bonus: 0n });
    const answer = answers[index];
    expect(answer?.ok, `balance of ${playerId} ${when}`).toBe(true);
    if (answer?.ok === true) expect(answer.balance, `engine balance of ${playerId} ${when}`).toEqual({ cash: want, bonus: 0n });
  });
}

describe.skipIf(!postgresUp)('crash: SIGKILL under load on PostgreSQL', () => {
  const schema = freshSchema('croupier_crash');
  const options = { databaseUrl: postgresUrl, schema, poolSize: 8, engine: { partitionCount: crashPartitionCount, moneyLimits: roomyMoneyLimits } };
  let child: ChildProcess | null = null;
  let croupier: TestCroupier | null = null;

  afterAll(async () => {
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await croupier?.close();
    await dropSchema(schema);
  });

  it('keeps every acknowledged operation exactly once and nothing half applied', { timeout: 100_000 }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    // Kill somewhere past the minimum so that the moment varies from run to run.
    const killAfterAcks = acksBeforeKillMin + (seed % 2_000);
    const players = crashPlayers(playerCount);
    const say = (message: string): void => console.log(`[crash seed=${seed}] ${message}`);

    // Setup: register and fund every player through the parent's own instance, then close it.
    const setup = await createTestCroupier(options);
    for (const playerId of players) {
      expect(await setup.execute({ kind: 'register', playerId, currency: crashCurrency })).toMatchObject({ ok: true });
    }
    const funded = await Promise.all(
      players.map((playerId) =>
        setup.execute({ kind: 'deposit', source: 'operator', transactionId: initialDepositId(playerId), playerId, amount: crashInitialCash.toString(), currency: crashCurrency }),
      ),
    );
    expect(funded.every((outcome) => outcome.ok && !outcome.duplicate)).toBe(true);
    await setup.close();

    // Load, then SIGKILL.
    const { log, signal, acksAtKill, attemptedAtKill, acked, attempted } = await loadThenKill({
      script: 'test/support/crash-child.ts',
      env: {
        CRASH_DATABASE_URL: postgresUrl,
        CRASH_SCHEMA: schema,
        CRASH_SEED: String(seed),
        CRASH_PLAYERS: String(playerCount),
        CRASH_IN_FLIGHT: String(inFlight),
      },
      killAfterAcks,
      ackWaitMs,
      spawned: (spawned) => (child = spawned),
    });
    expect(signal, `the child died of the SIGKILL: ${log.stderr}`).toBe('SIGKILL');
    say(
      `killed with ${acksAtKill} acks read (${attemptedAtKill - acksAtKill} in flight); after draining the pipe: ` +
        `${acked.size} acks of ${attempted} attempted ops, cut line ${JSON.stringify(log.cutLine)}`,
    );
    expect(log.refusals, 'the child was refused nothing under load').toEqual([]);
    expect(log.stderr, 'the child reported no engine error').not.toContain('crash-child:');

    // Restart: a fresh instance rebuilds its state from the store.
    croupier = await createTestCroupier(options);
    const restarted = croupier;
    const ops = CrashOpStream.take(seed, players, attempted);
    const initialKeys = new Set(players.map((playerId) => `operator/${initialDepositId(playerId)}`));

    // 1. Every acknowledged op is stored exactly once, as acknowledged and fully applied.
    const before = await transactions(restarted);
    for (const [index, ack] of acked) {
      const op = ops[index] as CrashOp;
      expect({ id: ack.id, kind: ack.kind, player: ack.player, amount: ack.amount }, `ack ${index} echoes op ${index}`).toEqual({
        id: op.transactionId,
        kind: op.kind,
        player: op.playerId,
        amount: op.amount.toString(),
      });
      expectRowMatches(before.get(`${op.source}/${op.transactionId}`), op);
    }
    // Nothing in the store that was never attempted; what was attempted is whole or absent.
    const opsByKey = new Map(ops.map((op) => [`${op.source}/${op.transactionId}`, op]));
    for (const [key, row] of before) {
      if (initialKeys.has(key)) continue;
      const op = opsByKey.get(key);
      expect(op, `stored transaction ${key} was attempted`).toBeDefined();
      if (op !== undefined) expectRowMatches(row, op);
    }
    // A player's commands apply in submission order: what committed is a prefix of what was tried.
    const committed = ops.filter((op) => before.has(`${op.source}/${op.transactionId}`));
    for (const playerId of players) {
      const tried = ops.filter((op) => op.playerId === playerId);
      const done = tried.filter((op) => before.has(`${op.source}/${op.transactionId}`));
      expect(done.map((op) => op.index), `committed ops of ${playerId} are a prefix of its attempts`).toEqual(
        tried.slice(0, done.length).map((op) => op.index),
      );
    }
    say(`after restart: ${committed.length} of ${attempted} attempted ops committed, ${committed.length - acked.size} of them without an ack read`);

    // 2 and 3. The ledger verifies and each balance is the initial deposit plus the committed moves,
    // both as summed from the transactions table and as predicted from the ops.
    const fromTable = cashFromTransactions(before.values());
    const predicted = new Map(players.map((playerId) => [playerId, crashInitialCash]));
    for (const op of committed) predicted.set(op.playerId, (predicted.get(op.playerId) ?? 0n) + crashDelta(op));
    expect(fromTable).toEqual(predicted);
    await expectBalances(restarted, players, fromTable, 'after restart');

    // 4. Retry every attempted op, same ids and parameters, in the order the child submitted them.
    const retried = await Promise.all(ops.map((op) => restarted.execute(crashCommand(op))));
    const counts = { ackedDuplicate: 0, unackedDuplicate: 0, unackedApplied: 0 };
    retried.forEach((outcome, index) => {
      const op = ops[index] as CrashOp;
      const wasStored = before.has(`${op.source}/${op.transactionId}`);
      expect(outcome, `retry of op ${index} (${op.kind}, acked: ${acked.has(index)}, stored: ${wasStored})`).toMatchObject({
        ok: true,
        transactionId: op.transactionId,
        duplicate: wasStored,
      });
      if (acked.has(index)) counts.ackedDuplicate += 1;
      else if (wasStored) counts.unackedDuplicate += 1;
      else counts.unackedApplied += 1;
    });
    say(`retries: ${JSON.stringify(counts)}`);
    expect(counts.ackedDuplicate).toBe(acked.size);

    const after = await transactions(restarted);
    expect(after.size).toBe(players.length + ops.length);
    for (const op of ops) expectRowMatches(after.get(`${op.source}/${op.transactionId}`), op);
    const whole = new Map(players.map((playerId) => [playerId, crashInitialCash]));
    for (const op of ops) whole.set(op.playerId, (whole.get(op.playerId) ?? 0n) + crashDelta(op));
    expect(cashFromTransactions(after.values())).toEqual(whole);
    await expectBalances(restarted, players, whole, 'after the retries');

    // A second round of retries is answered from the warm cache: all duplicates, nothing moves.
    const again = await Promise.all(ops.map((op) => restarted.execute(crashCommand(op))));
    expect(again.filter((outcome) => !outcome.ok || !outcome.duplicate)).toEqual([]);
    expect((await transactions(restarted)).size).toBe(players.length + ops.length);
    await expectBalances(restarted, players, whole, 'after the second retries');
  });
});
