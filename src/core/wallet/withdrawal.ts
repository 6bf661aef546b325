import { activeBonus, end } from '../bonus/lifecycle.js';
import type { Withdrawal } from '../commands.js';
import type { Effects } from '../effects.js';
import { housePosting, legs, playerPosting } from '../ledger.js';
import type { Outcome } from '../outcome.js';
import type { PlayerState, TransactionRecord } from '../player.js';
import { accepted, insufficient } from './answers.js';
import type { MachineContext } from './context.js';
import { aboveTransactionMax } from './limit-checks.js';
import { entry } from './records.js';

/** Withdrawals take cash only, and stay open for blocked players (a closed account is paid out). */
export function withdraw(player: PlayerState, command: Withdrawal, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  const limited = aboveTransactionMax(player, command.amount, context.moneyLimits);
  if (limited !== null) return limited;
  if (player.wallet.cash < command.amount) return insufficient(player, command.amount, player.wallet.cash);
  const grant = activeBonus(player);
  if (grant !== undefined && grant.campaign.forfeitOnWithdrawal) end(player, grant, 'forfeited', context.now, effects);
  const postings = legs(playerPosting(player.wallet.playerId, 'cash', -command.amount), housePosting('world:payments', command.amount));
  effects.post(entry(request, command.amount, 0n, postings));
  return accepted(player, command.transactionId, false);
}
