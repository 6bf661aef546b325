import { bonusReturn, unwager } from '../bonus/lifecycle.js';
import type { Rollback } from '../commands.js';
import type { Effects } from '../effects.js';
import { housePosting, legs, playerPosting } from '../ledger.js';
import { refused, type Outcome, type Refused } from '../outcome.js';
import { addBet, betOf, roundKey, tombstoneStake, type PlayerState, type TransactionRecord } from '../player.js';
import { assert } from '../result.js';
import { accepted } from './answers.js';
import type { MachineContext, PartitionView } from './context.js';
import { entry } from './records.js';
import { knownRound, roundFor } from './rounds.js';

export function rollback(view: PartitionView, player: PlayerState, command: Rollback, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  const reference = view.transaction(player, command.source, command.referenceTransactionId);
  if (reference === undefined) return rollbackUnknown(player, command, request, effects);
  if (reference.kind === 'tombstone') {
    if (command.unknownBet === 'error') return betNotFound(command);
    effects.post(entry(request, 0n, 0n, []));
    return accepted(player, command.transactionId, false);
  }
  if (reference.kind !== 'bet' || reference.playerId !== player.wallet.playerId || reference.roundId !== command.roundId) {
    return refused('BET_NOT_FOUND', `${command.referenceTransactionId} is not a bet of player ${player.wallet.playerId} in round ${command.roundId}`);
  }
  const key = roundKey(command.source, command.roundId);
  const round = knownRound(player, key);
  const stake = round === undefined ? undefined : betOf(round, command.referenceTransactionId);
  assert(round !== undefined && stake !== undefined, 'a known bet has a loaded round');
  // A bet already reversed by another rollback id is not reversed twice.
  if (stake.rolledBack) {
    effects.post(entry(request, 0n, 0n, []));
    return accepted(player, command.transactionId, false);
  }
  if (round.settled) return refused('ALREADY_SETTLED', `round ${command.roundId} is already paid`);
  // The stake goes back where it came from; its bonus part follows the same rule as a win's share.
  const destination = bonusReturn(player, stake.bonusGrantId);
  const toCash = stake.fromCash + (destination === 'cash' ? stake.fromBonus : 0n);
  const toBonus = destination === 'bonus' ? stake.fromBonus : 0n;
  const postings = legs(
    housePosting('house:games', -(toCash + toBonus)),
    playerPosting(player.wallet.playerId, 'cash', toCash),
    playerPosting(player.wallet.playerId, 'bonus', toBonus),
  );
  stake.rolledBack = true;
  effects.post(entry(request, toCash, toBonus, postings));
  const stillFunded = round.bets.some((other) => !other.rolledBack && other.fromBonus > 0n && other.bonusGrantId === stake.bonusGrantId);
  unwager(player, key, stake, stillFunded, context.now, effects);
  return accepted(player, command.transactionId, false);
}

/** The bet never arrived: its id is tombstoned so that it is refused if it comes late. */
function rollbackUnknown(player: PlayerState, command: Rollback, request: TransactionRecord, effects: Effects): Outcome {
  const tombstone: TransactionRecord = {
    ...request,
    transactionId: command.referenceTransactionId,
    kind: 'tombstone',
    referenceTransactionId: command.transactionId,
  };
  addBet(roundFor(player, roundKey(command.source, command.roundId)), tombstoneStake(command.referenceTransactionId));
  effects.post(entry(tombstone, 0n, 0n, []));
  if (command.unknownBet === 'error') return betNotFound(command);
  effects.post(entry(request, 0n, 0n, []));
  return accepted(player, command.transactionId, false);
}

function betNotFound(command: Rollback): Refused {
  return refused('BET_NOT_FOUND', `bet ${command.referenceTransactionId} not found`);
}
