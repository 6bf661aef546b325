import type { StatusChange } from '../commands.js';
import type { Effects } from '../effects.js';
import type { Outcome } from '../outcome.js';
import type { PlayerState } from '../player.js';
import { accepted } from './answers.js';

/** Blocking stops new money (bets, deposits, bonuses); wins, rollbacks and withdrawals go on. */
export function changeStatus(player: PlayerState, command: StatusChange, effects: Effects): Outcome {
  player.wallet.status = command.kind === 'block' ? 'blocked' : 'active';
  effects.walletChanged = true;
  return accepted(player, null, false);
}
