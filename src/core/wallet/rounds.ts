import { emptyRound, type PlayerState, type Round } from '../player.js';
import { assert } from '../result.js';

/** A round a win or rollback reads: the engine loaded it (or knows the player has no such round). */
export function knownRound(player: PlayerState, key: string): Round | undefined {
  const round = player.rounds.get(key);
  assert(round === undefined ? player.historyComplete : round.complete, 'a round read by a win or rollback is loaded');
  return round;
}

/** The round a bet or tombstone joins, opened when it is the round's first. */
export function roundFor(player: PlayerState, key: string): Round {
  const existing = player.rounds.get(key);
  if (existing !== undefined) return existing;
  const round = emptyRound(player.historyComplete);
  player.rounds.set(key, round);
  return round;
}
