import type { PayoutLimits } from '../commands.js';
import { limitsFor, type MoneyLimitTable } from '../money-limits.js';
import { refused, type Refused } from '../outcome.js';
import type { PlayerState, Round } from '../player.js';

/** An amount above the currency's per-transaction maximum is refused before anything moves. */
export function aboveTransactionMax(player: PlayerState, amount: bigint, table: MoneyLimitTable): Refused | null {
  const { transactionMax } = limitsFor(table, player.wallet.currency);
  if (amount <= transactionMax) return null;
  return refused('AMOUNT_LIMIT_EXCEEDED', `amount ${amount} is above the ${player.wallet.currency.code} maximum of ${transactionMax} per transaction`);
}

/** A credit that would take cash + bonus above the currency's balance maximum is refused. */
export function aboveBalanceMax(player: PlayerState, credit: bigint, table: MoneyLimitTable): Refused | null {
  const { balanceMax } = limitsFor(table, player.wallet.currency);
  const after = player.wallet.cash + player.wallet.bonus + credit;
  if (after <= balanceMax) return null;
  return refused('BALANCE_LIMIT_EXCEEDED', `player ${player.wallet.playerId} would hold ${after}, above the ${player.wallet.currency.code} maximum balance of ${balanceMax}`);
}

/** A provider's own ceilings on one win and on all the wins of one round. */
export function abovePayoutLimits(amount: bigint, round: Round, limits: PayoutLimits): Refused | null {
  if (limits.winMax !== null && amount > limits.winMax) {
    return refused('WIN_LIMIT_EXCEEDED', `win ${amount} is above this provider's maximum win of ${limits.winMax}`);
  }
  if (limits.roundPayoutMax !== null && round.paid + amount > limits.roundPayoutMax) {
    return refused('WIN_LIMIT_EXCEEDED', `the round would pay ${round.paid + amount}, above this provider's maximum of ${limits.roundPayoutMax} per round`);
  }
  return null;
}
