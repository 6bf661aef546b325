import { mulberry32 } from '../../bench/lib/random.js';
/**
 * The workload of test/http-crash.test.ts: provider bets on random players, and wins that settle
 * a bet which was already answered 200 (so a win's round always exists once its bet is stored).
 * Each move keeps the exact body it was first sent with, so that a retry sends the same bytes.
 */

export const httpCrashCurrency = 'EUR';
export const httpCrashGame = 'slot-http';
/** Far more than the workload can stake: a bet is never refused for funds. */
export const httpCrashFunding = 1_000_000_000n;

export interface Move {
  readonly kind: 'bet' | 'win';
  readonly transactionId: string;
  readonly playerId: string;
  readonly roundId: string;
  readonly amount: bigint;
  readonly rawBody: string;
  /** What the first attempt heard: the HTTP status, or null when it ended without an answer. */
  status: number | null;
  reply: unknown;
  /** Why the first attempt got no answer (a socket error after the kill, typically). */
  error: string | null;
}

export function httpCrashPlayerId(index: number): string {
  return `http-crash-player-${index}`;
}

export function fundingDepositId(playerId: string): string {
  return `fund-${playerId}`;
}


export class HttpCrashWorkload {
  readonly moves: Move[] = [];
  private readonly next01: () => number;
  /** Bets answered 200 and not settled yet. */
  private readonly settleable: Move[] = [];

  constructor(
    seed: number,
    private readonly players: readonly string[],
    private readonly winShare: number,
  ) {
    this.next01 = mulberry32(seed);
  }

  /** The next move, recorded as attempted before it is returned (i.e. before it is sent). */
  next(): Move {
    const index = this.moves.length;
    const transactionId = `tx-${index}`;
    let move: Move;
    if (this.settleable.length > 0 && this.next01() < this.winShare) {
      const pick = Math.floor(this.next01() * this.settleable.length);
      const bet = this.settleable[pick] as Move;
      this.settleable[pick] = this.settleable[this.settleable.length - 1] as Move;
      this.settleable.pop();
      const amount = BigInt(Math.floor(this.next01() * 2 * Number(bet.amount)));
      move = moveOf('win', transactionId, bet.playerId, bet.roundId, amount);
    } else {
      const playerId = this.players[Math.floor(this.next01() * this.players.length)] as string;
      move = moveOf('bet', transactionId, playerId, `round-${index}`, BigInt(1 + Math.floor(this.next01() * 10_000)));
    }
    this.moves.push(move);
    return move;
  }

  /** Records the first answer; a bet answered 200 can be settled by a later win. */
  answered(move: Move, status: number, reply: unknown): void {
    move.status = status;
    move.reply = reply;
    if (status === 200 && move.kind === 'bet') this.settleable.push(move);
  }
}

function moveOf(kind: 'bet' | 'win', transactionId: string, playerId: string, roundId: string, amount: bigint): Move {
  const rawBody = JSON.stringify({
    transaction_id: transactionId,
    player_id: playerId,
    round_id: roundId,
    game_id: httpCrashGame,
    amount: amount.toString(),
    currency: httpCrashCurrency,
  });
  return { kind, transactionId, playerId, roundId, amount, rawBody, status: null, reply: null, error: null };
}

/** How the move changes the player's cash once applied. */
export function cashDelta(move: Move): bigint {
  return move.kind === 'bet' ? -move.amount : move.amount;
}
