import { addGrant, findBonus } from '../bonus/lifecycle.js';
import type { GrantBonus } from '../commands.js';
import type { Effects } from '../effects.js';
import { refused, type Outcome } from '../outcome.js';
import type { PlayerState } from '../player.js';
import { accepted, blocked } from './answers.js';
import type { MachineContext } from './context.js';
import { grantable } from './eligibility.js';
import { aboveBalanceMax, aboveTransactionMax } from './limit-checks.js';

/** An operator's grant of a fixed or free-spins-winnings bonus (deposit matches are claimed with a deposit). */
export function grantBonus(player: PlayerState, command: GrantBonus, context: MachineContext, effects: Effects): Outcome {
  const existing = findBonus(player, command.grantId);
  if (existing !== undefined) {
    const same = existing.campaign.campaignId === command.campaignId && (command.amount === null || command.amount === existing.amount);
    return same ? accepted(player, null, true) : refused('DUPLICATE_TRANSACTION', `grant ${command.grantId} exists with other parameters`);
  }
  // A blocked player takes no new money, bonus money included (docs/architecture.md §3).
  if (player.wallet.status === 'blocked') return blocked(player);
  const campaign = context.catalogue.campaign(command.campaignId);
  if (campaign === undefined) return refused('CAMPAIGN_NOT_FOUND', `no campaign ${command.campaignId}`);
  const unavailable = grantable(player, campaign, context.now);
  if (unavailable !== null) return unavailable;
  if (campaign.type === 'deposit_match') return refused('BONUS_NOT_AVAILABLE', `deposit-match campaign ${campaign.campaignId} is claimed with a deposit`);
  if (campaign.type === 'free_spins_winnings' && command.amount === null) return refused('VALIDATION_ERROR', 'free-spins winnings need an amount');
  const amount = campaign.type === 'fixed' ? campaign.fixedAmount : (command.amount ?? 0n);
  if (amount <= 0n) return refused('VALIDATION_ERROR', `campaign ${campaign.campaignId} grants nothing`);
  const limited = aboveTransactionMax(player, amount, context.moneyLimits) ?? aboveBalanceMax(player, amount, context.moneyLimits);
  if (limited !== null) return limited;
  addGrant(player, { grantId: command.grantId, campaign, amount, depositAmount: 0n }, context.now, effects);
  return accepted(player, null, false);
}
