/**
 * The bonus crash test's workload and the process it kills (test/bonus-crash.test.ts).
 *
 * Imported, this module only describes the workload: the campaigns, games and players the parent
 * sets up, and a deterministic stream of bets, wins and rollbacks drawn from a seed, so that both
 * sides know op number i without sending it over the pipe. Run as
 * `node --import tsx test/support/bonus-crash-child.ts` with
 *   BONUS_CRASH_DATABASE_URL, BONUS_CRASH_SCHEMA, BONUS_CRASH_SEED, BONUS_CRASH_PLAYERS, BONUS_CRASH_IN_FLIGHT,
 * it runs the engine on PostgreSQL and keeps that stream flowing, hundreds of commands in flight,
 * until it receives SIGKILL (protocol: test/support/crash-child-loop.ts).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../bench/lib/random.js';
import type { Campaign } from '../../src/core/bonus/campaign.js';
import type { CommandInput } from '../../src/core/commands.js';
import type { Game } from '../../src/ports/catalogue-storage.js';
import { campaign } from './catalogue.js';
import { keepInFlight, requiredEnv, runChild } from './crash-child-loop.js';
import { crashCurrency, crashInitialCash, crashPlayers } from './crash-ops.js';

export const bonusCrashSource = 'bonus-games';
/** Every grant: far more bonus money than the workload can stake, and a requirement it never reaches. */
export const bonusCrashAmount = 50_000_000n;
export const bonusCrashMultiplier = 100;
export const bonusCrashRequired = bonusCrashAmount * BigInt(bonusCrashMultiplier);
/** Cash of the "poor" cash-first players: their stakes soon split between cash and bonus. */
export const bonusCrashPoorCash = 20_000n;

/**
 * The games the workload plays and the share of a stake each counts towards wagering, as the
 * campaigns below define it (slots 100 %, table 10 %, live 0 %, a game missing from the
 * catalogue: the 5 % default). Stated here by hand, not computed by the product.
 */
export const bonusCrashGames: readonly { readonly gameId: string; readonly category: string | null; readonly percent: bigint }[] = [
  { gameId: 'slot-1', category: 'slots', percent: 100n },
  { gameId: 'blackjack-1', category: 'table', percent: 10n },
  { gameId: 'roulette-1', category: 'live', percent: 0n },
  { gameId: 'unlisted-1', category: null, percent: 5n },
];

/** The games saved in the catalogue (`unlisted-1` stays out of it on purpose). */
export const bonusCrashCatalogueGames: readonly Game[] = bonusCrashGames.flatMap((game) =>
  game.category === null ? [] : [{ gameId: game.gameId, providerId: null, category: game.category, name: null }],
);

const terms = {
  type: 'fixed' as const,
  fixedAmount: bonusCrashAmount,
  wageringMultiplier: bonusCrashMultiplier,
  wageringBase: 'bonus' as const,
  contributions: { slots: 100, table: 10, live: 0 },
  defaultContribution: 5,
  maxBet: null,
};

/** Bets take the bonus first, or cash first (the rich never touch their bonus, the poor soon split). */
export const bonusCrashCampaigns: readonly Campaign[] = [
  campaign({ ...terms, campaignId: 'crash-bonus-first', name: 'crash bonus first', fundsOrder: 'bonus_first' }),
  campaign({ ...terms, campaignId: 'crash-cash-first', name: 'crash cash first', fundsOrder: 'cash_first' }),
];

export interface BonusCrashPlayer {
  readonly playerId: string;
  readonly grantId: string;
  readonly campaignId: string;
  readonly cash: bigint;
}

/** Players cycle through three profiles: bonus first, cash first with plenty of cash, cash first with little. */
export function bonusCrashPlayers(count: number): BonusCrashPlayer[] {
  return crashPlayers(count).map((playerId, index) => ({
    playerId,
    grantId: `grant-${playerId}`,
    campaignId: index % 3 === 0 ? 'crash-bonus-first' : 'crash-cash-first',
    cash: index % 3 === 2 ? bonusCrashPoorCash : crashInitialCash,
  }));
}

export function contributionOfStake(gameId: string, amount: bigint): bigint {
  const game = bonusCrashGames.find((item) => item.gameId === gameId);
  if (game === undefined) throw new Error(`unknown workload game ${gameId}`);
  return (amount * game.percent) / 100n;
}

/**
 * What a rollback reverses: a bet that still stands (its stake comes back, its contribution goes),
 * a bet already rolled back by another rollback id (nothing moves), or a bet never sent (a tombstone).
 */
export type Undoes = 'standing' | 'again' | 'unknown';

export interface BonusOp {
  readonly index: number;
  readonly kind: 'bet' | 'win' | 'rollback';
  readonly source: string;
  readonly transactionId: string;
  readonly playerId: string;
  /** The stake of a bet, the payout of a win, 0 for a rollback (as stored). */
  readonly amount: bigint;
  readonly roundId: string;
  /** Null for a rollback (it carries no game). */
  readonly gameId: string | null;
  /** The bet a rollback reverses. */
  readonly reference: string | null;
  readonly undoes: Undoes | null;
  /** A bet into a round that already holds a bet. */
  readonly extraBet: boolean;
  /** What the op adds to the player's cash + bonus once applied (the grant stays active all along). */
  readonly delta: bigint;
}

interface StandingBet {
  readonly transactionId: string;
  readonly amount: bigint;
}

interface OpenRound {
  readonly roundId: string;
  readonly gameId: string;
  /** The round's bets that still stand. */
  readonly standing: StandingBet[];
}

interface PlayerStream {
  /** Rounds with a standing bet and no win yet, oldest first. */
  readonly open: OpenRound[];
  readonly rolledBack: { readonly roundId: string; readonly transactionId: string }[];
}

/**
 * Op i of the stream. A player's commands are applied in the order they are submitted and ops
 * are submitted in index order, so each is drawn against the state its player's earlier ops
 * leave: a win settles a round that still has a standing bet, a rollback reverses a bet of a
 * round not yet won (or one already reversed, or one never sent). Nothing is ever refused: bets
 * never exceed the funds and there is no maximum bet.
 */
export class BonusOpStream {
  private readonly next01: () => number;
  private readonly state = new Map<string, PlayerStream>();
  private index = 0;

  constructor(
    seed: number,
    private readonly players: readonly string[],
  ) {
    this.next01 = mulberry32(seed);
  }

  next(): BonusOp {
    const index = this.index++;
    const playerId = this.players[Math.floor(this.next01() * this.players.length)] as string;
    const state = this.state.get(playerId) ?? { open: [], rolledBack: [] };
    this.state.set(playerId, state);
    const transactionId = `btx-${index}`;
    const base = { index, source: bonusCrashSource, transactionId, playerId, reference: null, undoes: null, extraBet: false };
    const draw = this.next01();
    const pick = <T>(items: readonly T[]): T => items[Math.floor(this.next01() * items.length)] as T;

    if (state.open.length > 0 && draw < 0.3) {
      const round = state.open.shift() as OpenRound;
      const staked = round.standing.reduce((sum, bet) => sum + bet.amount, 0n);
      const amount = BigInt(Math.floor(this.next01() * 2 * Number(staked)));
      return { ...base, kind: 'win', amount, roundId: round.roundId, gameId: round.gameId, delta: amount };
    }
    if (state.open.length > 0 && draw < 0.42) {
      const round = pick(state.open);
      const bet = pick(round.standing);
      round.standing.splice(round.standing.indexOf(bet), 1);
      if (round.standing.length === 0) state.open.splice(state.open.indexOf(round), 1);
      state.rolledBack.push({ roundId: round.roundId, transactionId: bet.transactionId });
      return { ...base, kind: 'rollback', amount: 0n, roundId: round.roundId, gameId: null, reference: bet.transactionId, undoes: 'standing', delta: bet.amount };
    }
    if (state.rolledBack.length > 0 && draw < 0.46) {
      const bet = pick(state.rolledBack);
      return { ...base, kind: 'rollback', amount: 0n, roundId: bet.roundId, gameId: null, reference: bet.transactionId, undoes: 'again', delta: 0n };
    }
    if (draw < 0.49) {
      return { ...base, kind: 'rollback', amount: 0n, roundId: `bround-${index}`, gameId: null, reference: `ghost-${index}`, undoes: 'unknown', delta: 0n };
    }
    const amount = BigInt(1 + Math.floor(this.next01() * 10_000));
    if (state.open.length > 0 && draw < 0.6) {
      const round = pick(state.open);
      round.standing.push({ transactionId, amount });
      return { ...base, kind: 'bet', amount, roundId: round.roundId, gameId: round.gameId, extraBet: true, delta: -amount };
    }
    const round: OpenRound = { roundId: `bround-${index}`, gameId: pick(bonusCrashGames).gameId, standing: [{ transactionId, amount }] };
    state.open.push(round);
    return { ...base, kind: 'bet', amount, roundId: round.roundId, gameId: round.gameId, delta: -amount };
  }

  /** The first `count` ops of the stream for this seed. */
  static take(seed: number, players: readonly string[], count: number): BonusOp[] {
    const stream = new BonusOpStream(seed, players);
    return Array.from({ length: count }, () => stream.next());
  }
}

export function bonusCommand(op: BonusOp): CommandInput {
  const base = { source: op.source, transactionId: op.transactionId, playerId: op.playerId, roundId: op.roundId };
  if (op.kind === 'rollback') return { kind: 'rollback', ...base, referenceTransactionId: op.reference, unknownBet: 'ok' };
  return { kind: op.kind, ...base, gameId: op.gameId, amount: op.amount.toString(), currency: crashCurrency };
}

// ---- the child process ----

// Only when run as a script: the parent imports this module for the workload alone.
const script = process.argv[1];
if (script !== undefined && resolve(script) === fileURLToPath(import.meta.url)) {
  const name = 'bonus-crash-child';
  runChild(name, async () => {
    const players = crashPlayers(Number(requiredEnv('BONUS_CRASH_PLAYERS', name)));
    const stream = new BonusOpStream(Number(requiredEnv('BONUS_CRASH_SEED', name)), players);
    await keepInFlight({ name, envPrefix: 'BONUS_CRASH', inFlightDefault: 300, next: () => stream.next(), command: bonusCommand });
  });
}
