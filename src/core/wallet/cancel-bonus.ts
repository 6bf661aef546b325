import { end, findBonus } from '../bonus/lifecycle.js';
import type { CancelBonus } from '../commands.js';
import type { Effects } from '../effects.js';
import { refused, type Outcome } from '../outcome.js';
import type { PlayerState } from '../player.js';
import { accepted } from './answers.js';
import type { MachineContext } from './context.js';

/** Cancelling a queued or active bonus; an active one leaves its remaining bonus money to the house. */
export function cancelBonus(player: PlayerState, command: CancelBonus, context: MachineContext, effects: Effects): Outcome {
  const grant = findBonus(player, command.grantId);
  if (grant === undefined) return refused('BONUS_NOT_FOUND', `player ${player.wallet.playerId} has no bonus ${command.grantId}`);
  if (grant.state === 'cancelled') return accepted(player, null, true);
  if (grant.state !== 'queued' && grant.state !== 'active') return refused('BONUS_NOT_AVAILABLE', `bonus ${command.grantId} already ended (${grant.state})`);
  end(player, grant, 'cancelled', context.now, effects);
  return accepted(player, null, false);
}
