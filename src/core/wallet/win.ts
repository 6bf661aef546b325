import { bonusReturn, roundSettled } from '../bonus/lifecycle.js';
import type { Win } from '../commands.js';
import type { Effects } from '../effects.js';
import { housePosting, legs, playerPosting } from '../ledger.js';
import { allocate } from '../money.js';
import { refused, type Outcome } from '../outcome.js';
import { roundKey, type PlayerState, type TransactionRecord } from '../player.js';
import { accepted } from './answers.js';
import type { MachineContext } from './context.js';
import { abovePayoutLimits, aboveTransactionMax } from './limit-checks.js';
import { entry } from './records.js';
import { knownRound } from './rounds.js';

/**
 * A win is never refused for the balance maximum: it is money the player has won in a round
 * already played, and a refusal would leave the round unpaid (the provider's own maxima and the
 * per-transaction maximum bound it instead). A win is paid in proportion to how the round's standing stakes were funded. The share staked
 * from a bonus goes back to the bonus while it is active, to cash if it has converted since,
 * and stays with the house if it expired or was forfeited.
 */
export function win(player: PlayerState, command: Win, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  const key = roundKey(command.source, command.roundId);
  const round = knownRound(player, key);
  if (round === undefined || round.bets.length === 0) {
    return refused('ROUND_NOT_FOUND', `round ${command.roundId} has no bet from player ${player.wallet.playerId}`);
  }
  const standing = round.bets.filter((record) => !record.rolledBack);
  if (standing.length === 0) return refused('TRANSACTION_ROLLED_BACK', `every bet of round ${command.roundId} was rolled back`);
  const limited = aboveTransactionMax(player, command.amount, context.moneyLimits) ?? abovePayoutLimits(command.amount, round, command.payoutLimits);
  if (limited !== null) return limited;
  const weights = { cash: 0n, bonus: 0n, house: 0n };
  for (const stake of standing) {
    weights.cash += stake.fromCash;
    weights[bonusReturn(player, stake.bonusGrantId)] += stake.fromBonus;
  }
  const [toCash = 0n, toBonus = 0n] = allocate(command.amount, [weights.cash, weights.bonus, weights.house]);
  const paid = toCash + toBonus;
  const postings = legs(housePosting('house:games', -paid), playerPosting(player.wallet.playerId, 'cash', toCash), playerPosting(player.wallet.playerId, 'bonus', toBonus));
  round.settled = true;
  round.paid += command.amount;
  effects.post(entry(request, toCash, toBonus, postings));
  roundSettled(player, key, context.now, effects);
  return accepted(player, command.transactionId, false);
}
