import { addGrant, findBonus } from '../bonus/lifecycle.js';
import { bonusFor, type Campaign } from '../bonus/campaign.js';
import type { Deposit } from '../commands.js';
import type { Effects } from '../effects.js';
import { housePosting, legs, playerPosting } from '../ledger.js';
import { refused, type Outcome, type Refused } from '../outcome.js';
import type { PlayerState, TransactionRecord } from '../player.js';
import { accepted, blocked } from './answers.js';
import type { MachineContext } from './context.js';
import { depositQualifies, grantable } from './eligibility.js';
import { aboveBalanceMax, aboveTransactionMax } from './limit-checks.js';
import { entry } from './records.js';

/** A deposit may claim a bonus: by campaign code, or through a deposit-match campaign the player opted into. */
export function deposit(player: PlayerState, command: Deposit, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  if (player.wallet.status === 'blocked') return blocked(player);
  const claim = depositClaim(player, command, context);
  if (claim !== null && !claim.ok) return claim;
  const bonus = claim === null ? 0n : bonusFor(claim.campaign, command.amount);
  const limited = aboveTransactionMax(player, command.amount, context.moneyLimits) ?? aboveBalanceMax(player, command.amount + bonus, context.moneyLimits);
  if (limited !== null) return limited;
  const postings = legs(housePosting('world:payments', -command.amount), playerPosting(player.wallet.playerId, 'cash', command.amount));
  effects.post(entry(request, command.amount, 0n, postings));
  const grantId = `deposit-${command.transactionId}`;
  // A grant with this id means the deposit was seen before (a replay the engine has not recognised yet).
  if (claim !== null && findBonus(player, grantId) === undefined) {
    if (claim.optedIn) player.bonusOptIns.splice(player.bonusOptIns.indexOf(claim.campaign.campaignId), 1);
    addGrant(player, { grantId, campaign: claim.campaign, amount: bonus, depositAmount: command.amount }, context.now, effects);
  }
  return accepted(player, command.transactionId, false);
}

type Claim = { readonly ok: true; readonly campaign: Campaign; readonly optedIn: boolean } | Refused;

function depositClaim(player: PlayerState, command: Deposit, context: MachineContext): Claim | null {
  if (command.bonusCode !== null) {
    const campaign = context.catalogue.campaignByCode(command.bonusCode);
    if (campaign === undefined) return refused('CAMPAIGN_NOT_FOUND', `no campaign with code ${command.bonusCode}`);
    const unavailable = grantable(player, campaign, context.now) ?? depositQualifies(campaign, command.amount);
    return unavailable ?? { ok: true, campaign, optedIn: false };
  }
  for (const campaignId of player.bonusOptIns) {
    const campaign = context.catalogue.campaign(campaignId);
    if (campaign === undefined) continue;
    if (grantable(player, campaign, context.now) === null && depositQualifies(campaign, command.amount) === null) return { ok: true, campaign, optedIn: true };
  }
  return null;
}
