import type { RegisterPlayer } from '../commands.js';
import { refused, type Outcome } from '../outcome.js';
import { newPlayerState, type PlayerState } from '../player.js';
import { accepted } from './answers.js';
import type { PartitionView } from './context.js';

/** Registers a player with an empty wallet; registering again in the same currency is a replay. */
export function register(view: PartitionView, command: RegisterPlayer): { outcome: Outcome; created: PlayerState | null } {
  const existing = view.player(command.playerId);
  if (existing !== undefined) {
    if (existing.wallet.currency.code !== command.currency.code) {
      return { outcome: refused('PLAYER_EXISTS', `player ${command.playerId} exists with currency ${existing.wallet.currency.code}`), created: null };
    }
    return { outcome: accepted(existing, null, true), created: null };
  }
  const wallet = { playerId: command.playerId, currency: command.currency, cash: 0n, bonus: 0n, status: 'active' as const };
  const player = newPlayerState(wallet, true);
  view.addPlayer(player);
  return { outcome: accepted(player, null, false), created: player };
}
