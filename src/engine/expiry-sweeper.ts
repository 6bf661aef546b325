import type { OverdueBonuses } from '../ports/overdue-bonuses.js';
import { repeat } from '../util/repeat.js';
import type { Engine } from './engine.js';

/** Players handled per sweep; the next sweep takes the rest. */
export const sweepPlayersMax = 1_000;

/**
 * Bonuses also expire when their player is touched; the sweeper touches the players whose
 * active bonus is past its time, so that nobody keeps an expired bonus just by staying away.
 * The expiry itself runs in the player's partition like every other change.
 */
export class ExpirySweeper {
  private stopSweeping: () => void = () => undefined;
  private running: Promise<number> | null = null;

  constructor(
    private readonly overdue: OverdueBonuses,
    private readonly engine: Engine,
    private readonly now: () => Date,
  ) {}

  start(intervalMs: number): void {
    this.stopSweeping = repeat(intervalMs, () => this.sweep());
  }

  stop(): void {
    this.stopSweeping();
  }

  /** Touches every player with an overdue active bonus; resolves with how many were touched. */
  sweep(): Promise<number> {
    this.running ??= this.touchOverdue().finally(() => (this.running = null));
    return this.running;
  }

  private async touchOverdue(): Promise<number> {
    const playerIds = await this.overdue.playersWithOverdueBonus(this.now(), sweepPlayersMax);
    await Promise.all(playerIds.map((playerId) => this.engine.execute({ kind: 'touch', playerId })));
    return playerIds.length;
  }
}
