import { mulberry32, uniformInt, ZipfSampler } from './random.js';

/**
 * The benchmark's operation stream, the same for every variant: Zipf-skewed player choice,
 * 90% bets / 9% wins / 1% rollbacks. A win or rollback settles a recent bet of the same player
 * (one that was already answered ok), and each bet is settled at most once, so a correct target
 * accepts every operation.
 */

export const benchSource = 'bench-provider';
export const benchGame = 'bench-game';
export const benchCurrency = 'EUR';

export interface BetRef {
  readonly playerId: string;
  readonly transactionId: string;
  readonly roundId: string;
  readonly amount: bigint;
  /** Set once a win or rollback has been issued for this bet. */
  used: boolean;
}

export type Op =
  | { readonly kind: 'bet'; readonly playerIndex: number; readonly playerId: string; readonly transactionId: string; readonly roundId: string; readonly amount: bigint }
  | { readonly kind: 'win'; readonly playerId: string; readonly transactionId: string; readonly roundId: string; readonly amount: bigint; readonly bet: BetRef }
  | { readonly kind: 'rollback'; readonly playerId: string; readonly transactionId: string; readonly roundId: string; readonly bet: BetRef };

export interface WorkloadOptions {
  readonly players: number;
  readonly zipfS: number;
  readonly seed: number;
  /** Prefix that makes transaction and round ids unique to this variant and run. */
  readonly idPrefix: string;
  readonly winShare: number;
  readonly rollbackShare: number;
}

const ringPerPlayer = 8;
const recentMax = 1 << 14;

export function playerIdOf(index: number): string {
  return `bench-player-${index}`;
}

export class Workload {
  private readonly random: () => number;
  private readonly zipf: ZipfSampler;
  private readonly playerIds: string[];
  /** Recent answered bets per player, newest last. */
  private readonly rings: (BetRef[] | undefined)[];
  /** Recent answered bets of every player: the fallback for a player with none of its own. */
  private recent: BetRef[] = [];
  private sequence = 0;
  readonly issued = { bet: 0, win: 0, rollback: 0, winFallback: 0, settleAsBet: 0 };

  constructor(private readonly options: WorkloadOptions) {
    this.random = mulberry32(options.seed);
    this.zipf = new ZipfSampler(options.players, options.zipfS, this.random);
    this.playerIds = Array.from({ length: options.players }, (_, index) => playerIdOf(index));
    this.rings = new Array<BetRef[] | undefined>(options.players);
  }

  /** Share of operations that go to the hottest player. */
  get hottestShare(): number {
    return this.zipf.probability(0);
  }

  next(): Op {
    const player = this.zipf.next();
    const draw = this.random();
    const id = `${this.options.idPrefix}-${(this.sequence += 1)}`;
    if (draw >= 1 - this.options.winShare - this.options.rollbackShare) {
      const bet = this.takeBet(player);
      if (bet !== null) {
        if (draw >= 1 - this.options.rollbackShare) {
          this.issued.rollback += 1;
          return { kind: 'rollback', playerId: bet.playerId, transactionId: `rb-${id}`, roundId: bet.roundId, bet };
        }
        this.issued.win += 1;
        const amount = BigInt(uniformInt(this.random, 0, 200));
        return { kind: 'win', playerId: bet.playerId, transactionId: `win-${id}`, roundId: bet.roundId, amount, bet };
      }
      this.issued.settleAsBet += 1;
    }
    this.issued.bet += 1;
    const playerId = this.playerIds[player] as string;
    return { kind: 'bet', playerIndex: player, playerId, transactionId: `bet-${id}`, roundId: `round-${id}`, amount: BigInt(uniformInt(this.random, 1, 100)) };
  }

  /** Called with every answer: an accepted bet becomes available to a later win or rollback. */
  answered(op: Op, ok: boolean): void {
    if (op.kind !== 'bet' || !ok) return;
    const ref: BetRef = { playerId: op.playerId, transactionId: op.transactionId, roundId: op.roundId, amount: op.amount, used: false };
    let ring = this.rings[op.playerIndex];
    if (ring === undefined) this.rings[op.playerIndex] = ring = [];
    ring.push(ref);
    if (ring.length > ringPerPlayer) ring.shift();
    this.recent.push(ref);
    if (this.recent.length > 2 * recentMax) this.recent = this.recent.slice(-recentMax);
  }

  private takeBet(player: number): BetRef | null {
    const ring = this.rings[player];
    while (ring !== undefined && ring.length > 0) {
      const bet = ring.pop() as BetRef;
      if (!bet.used) {
        bet.used = true;
        return bet;
      }
    }
    // The player has no answered bet of its own yet (a cold player): settle the newest unsettled bet of anyone.
    while (this.recent.length > 0) {
      const bet = this.recent.pop() as BetRef;
      if (!bet.used) {
        bet.used = true;
        this.issued.winFallback += 1;
        return bet;
      }
    }
    return null;
  }
}
