import { mulberry32 } from '../../bench/lib/random.js';
import type { CommandInput } from '../../src/core/commands.js';

/**
 * The crash test's workload, shared by the parent (test/crash.test.ts) and the child
 * (test/support/crash-child.ts): a deterministic stream of bets, wins and deposits drawn from a
 * seed, so that both sides know op number i without sending it over the pipe.
 */

export const crashCurrency = 'EUR';
export const crashPartitionCount = 8;
/** Every player starts with this much cash, far more than the workload can ever stake. */
export const crashInitialCash = 1_000_000_000n;

export interface CrashOp {
  readonly index: number;
  readonly kind: 'bet' | 'win' | 'deposit';
  readonly source: string;
  readonly transactionId: string;
  readonly playerId: string;
  readonly amount: bigint;
  readonly roundId: string | null;
  readonly gameId: string | null;
}

export function crashPlayerId(index: number): string {
  return `crash-player-${index}`;
}

export function crashPlayers(count: number): string[] {
  return Array.from({ length: count }, (_, index) => crashPlayerId(index));
}

export function initialDepositId(playerId: string): string {
  return `init-${playerId}`;
}


/**
 * Op i of the stream. Each player's rounds are bet first, then won (possibly with 0, a lost
 * round); since ops are submitted in index order and a player's commands are applied in the
 * order they are submitted, a win never overtakes its bet. Bets never exceed the funds.
 */
export class CrashOpStream {
  private readonly next01: () => number;
  private readonly open = new Map<string, { roundId: string; stake: bigint }[]>();
  private index = 0;

  constructor(seed: number, private readonly players: readonly string[]) {
    this.next01 = mulberry32(seed);
  }

  next(): CrashOp {
    const index = this.index++;
    const playerId = this.players[Math.floor(this.next01() * this.players.length)] as string;
    const open = this.open.get(playerId) ?? [];
    this.open.set(playerId, open);
    const draw = this.next01();
    const amount = BigInt(1 + Math.floor(this.next01() * 10_000));
    const transactionId = `tx-${index}`;
    const round = open[0];
    if (round !== undefined && draw < 0.45) {
      open.shift();
      const won = BigInt(Math.floor(this.next01() * 2 * Number(round.stake)));
      return { index, kind: 'win', source: 'crash-games', transactionId, playerId, amount: won, roundId: round.roundId, gameId: 'slot-1' };
    }
    if (draw < 0.6) return { index, kind: 'deposit', source: 'operator', transactionId, playerId, amount, roundId: null, gameId: null };
    const roundId = `round-${index}`;
    open.push({ roundId, stake: amount });
    return { index, kind: 'bet', source: 'crash-games', transactionId, playerId, amount, roundId, gameId: 'slot-1' };
  }

  /** The first `count` ops of the stream for this seed. */
  static take(seed: number, players: readonly string[], count: number): CrashOp[] {
    const stream = new CrashOpStream(seed, players);
    return Array.from({ length: count }, () => stream.next());
  }
}

export function crashCommand(op: CrashOp): CommandInput {
  const base = { source: op.source, transactionId: op.transactionId, playerId: op.playerId, amount: op.amount.toString(), currency: crashCurrency };
  if (op.kind === 'deposit') return { kind: 'deposit', ...base };
  return { kind: op.kind, ...base, roundId: op.roundId, gameId: op.gameId };
}

/** How the op moves the player's cash once applied. */
export function crashDelta(op: CrashOp): bigint {
  return op.kind === 'bet' ? -op.amount : op.amount;
}

/** Lines the child prints, one JSON object each. */
export type CrashLine =
  | { readonly t: 'ready'; readonly pid: number }
  /** Ops with index < `to` are submitted right after this line is written. */
  | { readonly t: 'try'; readonly to: number }
  /** Written only after execute() resolved with ok: true. */
  | { readonly t: 'ack'; readonly i: number; readonly id: string; readonly kind: string; readonly player: string; readonly amount: string; readonly dup: boolean }
  | { readonly t: 'refused'; readonly i: number; readonly code: string; readonly message: string };
