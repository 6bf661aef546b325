import { activeBonus, wager } from '../bonus/lifecycle.js';
import { contributionOf } from '../bonus/campaign.js';
import type { Bet } from '../commands.js';
import type { Effects } from '../effects.js';
import { housePosting, legs, playerPosting } from '../ledger.js';
import { refused, type Outcome } from '../outcome.js';
import type { FundsOrder } from '../funds-order.js';
import { addBet, roundKey, type PlayerState, type TransactionRecord } from '../player.js';
import { assert } from '../result.js';
import { accepted, blocked, insufficient } from './answers.js';
import type { MachineContext } from './context.js';
import { aboveTransactionMax } from './limit-checks.js';
import { entry } from './records.js';
import { roundFor } from './rounds.js';

export function bet(player: PlayerState, command: Bet, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  const { wallet } = player;
  if (wallet.status === 'blocked') return blocked(player);
  const limited = aboveTransactionMax(player, command.amount, context.moneyLimits);
  if (limited !== null) return limited;
  const grant = activeBonus(player);
  if (grant !== undefined && grant.campaign.maxBet !== null && command.amount > grant.campaign.maxBet) {
    return refused('MAX_BET_EXCEEDED', `stake ${command.amount} is above the maximum bet of ${grant.campaign.maxBet} while bonus ${grant.grantId} is wagered`);
  }
  if (wallet.cash + wallet.bonus < command.amount) return insufficient(player, command.amount, wallet.cash + wallet.bonus);
  const split = splitStake(command.amount, wallet.cash, wallet.bonus, grant?.campaign.fundsOrder ?? context.fundsOrder);
  const postings = legs(
    playerPosting(wallet.playerId, 'cash', -split.fromCash),
    playerPosting(wallet.playerId, 'bonus', -split.fromBonus),
    housePosting('house:games', command.amount),
  );
  const key = roundKey(command.source, command.roundId);
  const contribution = grant === undefined ? 0n : contributionOf(grant.campaign, context.catalogue.gameCategory(command.gameId), command.amount);
  const stake = { transactionId: command.transactionId, amount: command.amount, ...split, bonusGrantId: grant?.grantId ?? null, contribution, rolledBack: false };
  addBet(roundFor(player, key), stake);
  effects.post({ ...entry(request, split.fromCash, split.fromBonus, postings), bonusGrantId: stake.bonusGrantId, contribution });
  // Wagering moves in the same batch as the debit: a conversion can never race a bet.
  wager(player, key, command.amount, split.fromBonus, contribution, context.now, effects);
  return accepted(player, command.transactionId, false);
}

/** How a stake is taken from the two balances, by the funds order in force. */
export function splitStake(amount: bigint, cash: bigint, bonus: bigint, fundsOrder: FundsOrder): { fromCash: bigint; fromBonus: bigint } {
  assert(cash + bonus >= amount, 'stake exceeds funds');
  if (fundsOrder === 'bonus_first') {
    const fromBonus = bonus < amount ? bonus : amount;
    return { fromCash: amount - fromBonus, fromBonus };
  }
  const fromCash = cash < amount ? cash : amount;
  return { fromCash, fromBonus: amount - fromCash };
}
