/**
 * Bonus crash: a child process wagering active bonuses on PostgreSQL is sent SIGKILL under load;
 * after restart every grant's wagering progress is exactly what its stored bets say.
 *
 * Why: the engine keeps an active grant's progress and open rounds in memory only; the store
 * never writes them per bet. A restarted engine rebuilds them from the stored bets when a player
 * loads (LedgerStore.loadWagering), and the operator API reads them live through the
 * bonus_grants_now view. Both must agree with the bets to the unit, whatever moment the crash hit.
 *
 * Method: the parent saves two campaigns and the games, registers and funds the players and grants
 * each a bonus, then spawns test/support/bonus-crash-child.ts, which replays a seeded stream of
 * bets (four games, four contribution rates, rounds with several bets), wins and rollbacks (of a
 * standing bet, of a bet already rolled back, of a bet never sent) with hundreds of commands in
 * flight, printing an `ack` line per acknowledged op. Once enough acks have been read the parent
 * sends a real SIGKILL, opens a fresh croupier on the same schema and checks, for every player,
 * that the engine's active bonus, the bonus_grants_now view, a sum written here in SQL over the
 * transactions table and a model replayed from the ops all give the same progress; that every
 * acknowledged op is stored exactly once; that the ledger verifies and no balance is negative.
 * It then plays a few more commands per player (a rollback of a bet placed before the crash,
 * bets on each game, a replayed bet, a win) and checks the progress moves by exactly their
 * contributions, before and after one more restart. Set BONUS_CRASH_SEED to replay a run.
 */
import { roomyMoneyLimits } from './support/roomy-limits.js';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../src/core/outcome.js';
import {
  bonusCommand,
  bonusCrashAmount,
  bonusCrashCampaigns,
  bonusCrashCatalogueGames,
  bonusCrashGames,
  bonusCrashPlayers,
  bonusCrashRequired,
  bonusCrashSource,
  BonusOpStream,
  contributionOfStake,
  type BonusCrashPlayer,
  type BonusOp,
} from './support/bonus-crash-child.js';
import { crashCurrency, crashPartitionCount, initialDepositId } from './support/crash-ops.js';
import { loadThenKill } from './support/crash-parent.js';
import { storedBalances, storedTransactions, type StoredTransactionRow } from './support/stored-ledger.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres } from './support/stores.js';
import { createTestCroupier, type TestCroupier } from './support/test-croupier.js';

const postgresUp = await requirePostgres('bonus crash test');

const playerCount = 50;
const inFlight = 300;
const acksBeforeKillMin = 1_000;
const ackWaitMs = 30_000;

interface TransactionRow extends StoredTransactionRow {
  game_id: string | null;
  reference_transaction_id: string | null;
  bonus_grant_id: string | null;
  contribution: string;
  cash_delta: string;
  bonus_delta: string;
}

function transactions(croupier: TestCroupier): Promise<Map<string, TransactionRow>> {
  return storedTransactions<TransactionRow>(
    croupier.sql,
    't.game_id, t.reference_transaction_id, t.bonus_grant_id, t.contribution::text, t.cash_delta::text, t.bonus_delta::text',
  );
}

/**
 * Each grant's wagering as its stored bets give it, written here independently of the view: the
 * contributions of the grant's bets that no rollback of the same player, source and round names.
 */
async function progressFromBets(croupier: TestCroupier): Promise<Map<string, { state: string; required: bigint; progress: bigint }>> {
  const rows = await croupier.sql.query<{ player_id: string; grant_id: string; state: string; required: string; progress: string }>(
    `SELECT g.player_id, g.grant_id, g.state, g.required::text,
            coalesce(sum(b.contribution) FILTER (WHERE r.reference_transaction_id IS NULL), 0)::text AS progress
     FROM bonus_grants g
     LEFT JOIN transactions b ON b.player_id = g.player_id AND b.bonus_grant_id = g.grant_id AND b.kind = 'bet'
     LEFT JOIN (SELECT DISTINCT player_id, source, round_id, reference_transaction_id FROM transactions WHERE kind = 'rollback') r
       ON r.player_id = b.player_id AND r.source = b.source AND r.round_id = b.round_id AND r.reference_transaction_id = b.transaction_id
     GROUP BY g.player_id, g.grant_id, g.state, g.required`,
  );
  return new Map(rows.map((row) => [`${row.player_id}/${row.grant_id}`, { state: row.state, required: BigInt(row.required), progress: BigInt(row.progress) }]));
}

/** The op as stored: once, with its parameters, its grant and contribution, its legs moving exactly its amount. */
function expectRowMatches(row: TransactionRow | undefined, op: BonusOp, player: BonusCrashPlayer): void {
  const label = `op ${op.index} (${op.kind} ${op.transactionId} of ${op.playerId})`;
  expect(row, `${label} is in the store`).toBeDefined();
  if (row === undefined) return;
  expect(row.copies, `${label} is stored exactly once`).toBe('1');
  const isBet = op.kind === 'bet';
  expect(
    {
      player: row.player_id,
      kind: row.kind,
      amount: row.amount,
      round: row.round_id,
      game: row.game_id,
      reference: row.reference_transaction_id,
      grant: row.bonus_grant_id,
      contribution: row.contribution,
      moved: (BigInt(row.cash_delta) + BigInt(row.bonus_delta)).toString(),
    },
    `${label} is stored as sent`,
  ).toEqual({
    player: op.playerId,
    kind: op.kind,
    amount: op.amount.toString(),
    round: op.roundId,
    game: op.gameId,
    reference: op.reference,
    grant: isBet ? player.grantId : null,
    contribution: isBet ? contributionOfStake(op.gameId as string, op.amount).toString() : '0',
    moved: op.delta.toString(),
  });
  if (!isBet) return;
  // Funds order: a bonus-first stake comes from the (ample) bonus, a rich cash-first one from cash.
  if (player.campaignId === 'crash-bonus-first') expect(row.cash_delta, `${label} staked from the bonus`).toBe('0');
  else if (player.cash > bonusCrashAmount) expect(row.bonus_delta, `${label} staked from cash`).toBe('0');
}

interface PlayerModel {
  progress: bigint;
  /** Bets that stand, by transaction id. */
  readonly standing: Map<string, BonusOp>;
  /** Rounds not won yet, with their standing bets. */
  readonly open: Map<string, Set<string>>;
}

/** Each player's wagering and rounds after the given ops, replayed from the ops alone. */
function replay(players: readonly BonusCrashPlayer[], ops: readonly BonusOp[]): Map<string, PlayerModel> {
  const models = new Map(players.map((player) => [player.playerId, { progress: 0n, standing: new Map(), open: new Map() } as PlayerModel]));
  for (const op of ops) {
    const model = models.get(op.playerId) as PlayerModel;
    if (op.kind === 'bet') {
      model.progress += contributionOfStake(op.gameId as string, op.amount);
      model.standing.set(op.transactionId, op);
      const round = model.open.get(op.roundId) ?? new Set<string>();
      model.open.set(op.roundId, round.add(op.transactionId));
    } else if (op.kind === 'win') {
      expect(model.open.get(op.roundId)?.size ?? 0, `op ${op.index} wins a round with a standing bet`).toBeGreaterThan(0);
      model.open.delete(op.roundId);
    } else if (op.undoes === 'standing') {
      const bet = model.standing.get(op.reference as string) as BonusOp;
      expect(bet, `op ${op.index} rolls back a standing bet`).toBeDefined();
      model.progress -= contributionOfStake(bet.gameId as string, bet.amount);
      model.standing.delete(bet.transactionId);
      const round = model.open.get(op.roundId) as Set<string>;
      round.delete(bet.transactionId);
      if (round.size === 0) model.open.delete(op.roundId);
    }
  }
  return models;
}

/** Engine (cold-loaded or live), view and own SQL all give `expected` progress for every grant; the ledger verifies. */
async function expectWagering(croupier: TestCroupier, players: readonly BonusCrashPlayer[], expected: Map<string, bigint>, when: string): Promise<void> {
  const fromBets = await progressFromBets(croupier);
  expect(fromBets.size, `grants ${when}`).toBe(players.length);
  const bonusStore = croupier.bonuses;
  const [answers, views] = await Promise.all([
    Promise.all(players.map((player) => croupier.execute({ kind: 'balance', playerId: player.playerId }))),
    Promise.all(players.map((player) => bonusStore.grantsOf(player.playerId))),
  ]);
  const stored = await storedBalances(croupier.sql);
  players.forEach((player, index) => {
    const want = expected.get(player.playerId) as bigint;
    const label = `${player.playerId} ${when}`;
    expect(fromBets.get(`${player.playerId}/${player.grantId}`), `SQL over the bets of ${label}`).toEqual({ state: 'active', required: bonusCrashRequired, progress: want });
    const view = views[index] ?? [];
    expect(
      view.map((grant) => ({ grant: grant.grant_id, state: grant.state, progress: grant.progress, required: grant.required })),
      `bonus_grants_now of ${label}`,
    ).toEqual([{ grant: player.grantId, state: 'active', progress: want.toString(), required: bonusCrashRequired.toString() }]);
    const answer = answers[index] as Outcome;
    expect(answer.ok, `balance of ${label}`).toBe(true);
    if (!answer.ok) return;
    expect(
      { grant: answer.activeBonus?.grantId, progress: answer.activeBonus?.progress, required: answer.activeBonus?.required },
      `engine's active bonus of ${label}`,
    ).toEqual({ grant: player.grantId, progress: want, required: bonusCrashRequired });
    const balance = stored.get(player.playerId);
    expect(answer.balance, `engine balance of ${label} is the stored one`).toEqual(balance);
    expect(answer.balance.cash >= 0n && answer.balance.bonus >= 0n, `balance of ${label} is not negative: ${answer.balance.cash}/${answer.balance.bonus}`).toBe(true);
  });
  for (const [playerId, balance] of stored) {
    expect(balance.cash >= 0n && balance.bonus >= 0n, `stored balance of ${playerId} ${when} is not negative`).toBe(true);
  }
  expect(await croupier.verifyLedger(), `verifyLedger ${when}`).toEqual([]);
}

function mustBeOk(outcome: Outcome, what: string): Outcome & { ok: true } {
  if (!outcome.ok) throw new Error(`${what} was refused: ${outcome.code} ${outcome.message}`);
  return outcome;
}

describe.skipIf(!postgresUp)('bonus crash: SIGKILL while wagering bonuses on PostgreSQL', () => {
  const schema = freshSchema('croupier_bonus_crash');
  const options = { databaseUrl: postgresUrl, schema, poolSize: 8, engine: { partitionCount: crashPartitionCount, moneyLimits: roomyMoneyLimits } };
  let child: ChildProcess | null = null;
  let croupier: TestCroupier | null = null;

  afterAll(async () => {
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await croupier?.close();
    await dropSchema(schema);
  });

  it('rebuilds every active grant’s wagering exactly from the stored bets', { timeout: 60_000 }, async () => {
    const seed = Number(process.env.BONUS_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const killAfterAcks = acksBeforeKillMin + (seed % 1_000);
    const players = bonusCrashPlayers(playerCount);
    const playerIds = players.map((player) => player.playerId);
    const byId = new Map(players.map((player) => [player.playerId, player]));
    const say = (message: string): void => console.log(`[bonus crash seed=${seed}] ${message}`);

    // Setup: catalogue, players, deposits and one active bonus each, through the parent's own instance.
    const setup = await createTestCroupier(options);
    await setup.catalogue.saveGames(bonusCrashCatalogueGames);
    for (const terms of bonusCrashCampaigns) await setup.catalogue.saveCampaign(terms);
    await Promise.all(
      players.map(async (player) => {
        mustBeOk(await setup.execute({ kind: 'register', playerId: player.playerId, currency: crashCurrency }), `register ${player.playerId}`);
        const deposit = { kind: 'deposit' as const, source: 'operator', transactionId: initialDepositId(player.playerId), playerId: player.playerId, amount: player.cash.toString(), currency: crashCurrency };
        mustBeOk(await setup.execute(deposit), `deposit of ${player.playerId}`);
        const granted = mustBeOk(await setup.execute({ kind: 'grant_bonus', playerId: player.playerId, grantId: player.grantId, campaignId: player.campaignId }), `grant to ${player.playerId}`);
        expect(granted.balance).toEqual({ cash: player.cash, bonus: bonusCrashAmount });
        expect(granted.activeBonus).toMatchObject({ grantId: player.grantId, campaignId: player.campaignId, progress: 0n, required: bonusCrashRequired });
      }),
    );
    await setup.close();

    // Load, then SIGKILL.
    const { log, signal, acksAtKill, attemptedAtKill, acked, attempted } = await loadThenKill({
      script: 'test/support/bonus-crash-child.ts',
      env: {
        BONUS_CRASH_DATABASE_URL: postgresUrl,
        BONUS_CRASH_SCHEMA: schema,
        BONUS_CRASH_SEED: String(seed),
        BONUS_CRASH_PLAYERS: String(playerCount),
        BONUS_CRASH_IN_FLIGHT: String(inFlight),
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
    expect(acked.size).toBeGreaterThanOrEqual(acksBeforeKillMin);
    expect(log.refusals, 'the child was refused nothing under load').toEqual([]);
    expect(log.stderr, 'the child reported no engine error').not.toContain('bonus-crash-child:');

    // Restart: a fresh instance; each player's wagering is rebuilt when it first loads.
    croupier = await createTestCroupier(options);
    const restarted = croupier;
    const ops = BonusOpStream.take(seed, playerIds, attempted);
    const before = await transactions(restarted);

    // (c) Every acknowledged op is stored exactly once, as sent and fully applied; it was acked once, as new.
    for (const [index, ack] of acked) {
      const op = ops[index] as BonusOp;
      expect({ id: ack.id, kind: ack.kind, player: ack.player, amount: ack.amount, dup: ack.dup }, `ack ${index} echoes op ${index}`).toEqual({
        id: op.transactionId,
        kind: op.kind,
        player: op.playerId,
        amount: op.amount.toString(),
        dup: false,
      });
      expectRowMatches(before.get(`${op.source}/${op.transactionId}`), op, byId.get(op.playerId) as BonusCrashPlayer);
    }
    // Nothing stored that was never attempted; what was attempted is whole or absent.
    const opsByKey = new Map(ops.map((op) => [`${op.source}/${op.transactionId}`, op]));
    const tombstones = new Map(ops.filter((op) => op.undoes === 'unknown').map((op) => [`${op.source}/${op.reference as string}`, op]));
    for (const [key, row] of before) {
      if (row.source !== bonusCrashSource) {
        expect(row.kind, `${key} is a setup transaction`).toMatch(/^(deposit|bonus_credit)$/);
        continue;
      }
      const tombstoned = tombstones.get(key);
      if (tombstoned !== undefined) {
        expect(before.has(`${tombstoned.source}/${tombstoned.transactionId}`), `tombstone ${key} came with its rollback`).toBe(true);
        expect({ kind: row.kind, reference: row.reference_transaction_id, moved: BigInt(row.cash_delta) + BigInt(row.bonus_delta), copies: row.copies }).toEqual({
          kind: 'tombstone',
          reference: tombstoned.transactionId,
          moved: 0n,
          copies: '1',
        });
        continue;
      }
      const op = opsByKey.get(key);
      expect(op, `stored transaction ${key} was attempted`).toBeDefined();
      if (op !== undefined) expectRowMatches(row, op, byId.get(op.playerId) as BonusCrashPlayer);
    }
    // A player's commands apply in submission order: what committed is a prefix of what was tried.
    const committed = ops.filter((op) => before.has(`${op.source}/${op.transactionId}`));
    for (const playerId of playerIds) {
      const tried = ops.filter((op) => op.playerId === playerId);
      const done = tried.filter((op) => before.has(`${op.source}/${op.transactionId}`));
      expect(done.map((op) => op.index), `committed ops of ${playerId} are a prefix of its attempts`).toEqual(tried.slice(0, done.length).map((op) => op.index));
    }
    say(`after restart: ${committed.length} of ${attempted} attempted ops committed, ${committed.length - acked.size} of them without an ack read`);

    // The workload did exercise what the rebuild has to get right.
    const tally = (filter: (op: BonusOp) => boolean): number => committed.filter(filter).length;
    const coverage = {
      ...Object.fromEntries(bonusCrashGames.map((game) => [`bets on ${game.gameId}`, tally((op) => op.kind === 'bet' && op.gameId === game.gameId)])),
      'bets into a round already holding one': tally((op) => op.extraBet),
      wins: tally((op) => op.kind === 'win'),
      'rollbacks of a standing bet': tally((op) => op.undoes === 'standing'),
      'rollbacks of a rolled-back bet': tally((op) => op.undoes === 'again'),
      'rollbacks of a bet never sent': tally((op) => op.undoes === 'unknown'),
      'stakes split between cash and bonus': [...before.values()].filter((row) => row.kind === 'bet' && row.cash_delta !== '0' && row.bonus_delta !== '0').length,
    };
    say(`committed workload: ${JSON.stringify(coverage)}`);
    for (const [what, seen] of Object.entries(coverage)) expect(seen, `committed ${what}`).toBeGreaterThanOrEqual(3);

    // (a), (b), (d), (e): engine, view and SQL over the bets agree with the model of the committed ops.
    const models = replay(players, committed);
    const expected = new Map([...models].map(([playerId, model]) => [playerId, model.progress]));
    expect([...expected.values()].filter((progress) => progress > 0n).length, 'players with wagering to rebuild').toBeGreaterThan(playerCount / 2);
    await expectWagering(restarted, players, expected, 'after the restart');

    // A few more commands per player on the restarted engine: progress moves by exactly their contributions.
    const moves = { preCrashRollbacks: 0, preCrashWins: 0 };
    await Promise.all(
      players.map(async (player) => {
        const { playerId } = player;
        const model = models.get(playerId) as PlayerModel;
        let progress = model.progress;
        const step = async (input: Parameters<TestCroupier['execute']>[0], change: bigint, duplicate: boolean, what: string): Promise<void> => {
          const outcome = mustBeOk(await restarted.execute(input), `${what} of ${playerId}`);
          progress += change;
          expect({ duplicate: outcome.duplicate, progress: outcome.activeBonus?.progress }, `${what} of ${playerId}`).toEqual({ duplicate, progress });
        };
        // Roll back a bet placed before the crash in a round not yet won: its contribution goes.
        const openRounds = [...model.open].filter(([, bets]) => bets.size > 0);
        const first = openRounds[0];
        if (first !== undefined) {
          const [roundId, bets] = first;
          const bet = model.standing.get([...bets][0] as string) as BonusOp;
          const rollback = { kind: 'rollback' as const, source: bonusCrashSource, transactionId: `after-rb-${playerId}`, playerId, roundId, referenceTransactionId: bet.transactionId, unknownBet: 'ok' };
          await step(rollback, -contributionOfStake(bet.gameId as string, bet.amount), false, `rollback of pre-crash bet ${bet.transactionId}`);
          moves.preCrashRollbacks += 1;
        }
        // One new bet on each game, each with its own contribution rate.
        for (const [offset, game] of bonusCrashGames.entries()) {
          const amount = BigInt(1_000 + 337 * offset);
          const bet = { kind: 'bet' as const, source: bonusCrashSource, transactionId: `after-bet-${playerId}-${game.gameId}`, playerId, roundId: `after-round-${playerId}-${game.gameId}`, gameId: game.gameId, amount: amount.toString(), currency: crashCurrency };
          await step(bet, contributionOfStake(game.gameId, amount), false, `bet on ${game.gameId}`);
        }
        // Replaying a bet committed before the crash is a duplicate: nothing moves.
        const old = committed.find((op) => op.playerId === playerId && op.kind === 'bet');
        if (old !== undefined) await step(bonusCommand(old), 0n, true, `replay of pre-crash bet ${old.transactionId}`);
        // A win on another round opened before the crash settles it without touching the wagering.
        const second = openRounds[1];
        if (second !== undefined) {
          const [roundId, bets] = second;
          const gameId = model.standing.get([...bets][0] as string)?.gameId as string;
          await step({ kind: 'win', source: bonusCrashSource, transactionId: `after-win-${playerId}`, playerId, roundId, gameId, amount: '777', currency: crashCurrency }, 0n, false, `win on pre-crash round ${roundId}`);
          moves.preCrashWins += 1;
        }
        // Rolling back a bet placed after the restart takes exactly its contribution away again.
        const slot = bonusCrashGames[0] as (typeof bonusCrashGames)[number];
        const rollback = { kind: 'rollback' as const, source: bonusCrashSource, transactionId: `after-rb2-${playerId}`, playerId, roundId: `after-round-${playerId}-${slot.gameId}`, referenceTransactionId: `after-bet-${playerId}-${slot.gameId}`, unknownBet: 'ok' };
        await step(rollback, -contributionOfStake(slot.gameId, 1_000n), false, 'rollback of the post-restart slot bet');
        expected.set(playerId, progress);
      }),
    );
    say(`after the restart: ${JSON.stringify(moves)} (of ${playerCount} players)`);
    expect(moves.preCrashRollbacks, 'players whose pre-crash bet was rolled back after the restart').toBeGreaterThanOrEqual(playerCount / 5);
    await expectWagering(restarted, players, expected, 'after the post-restart commands');

    // One more restart: the engine rebuilds the same progress from the bets, old and new.
    await restarted.close();
    croupier = await createTestCroupier(options);
    await expectWagering(croupier, players, expected, 'after a second restart');
  });
});
