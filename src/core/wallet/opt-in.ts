import type { OptIn } from '../commands.js';
import type { Effects } from '../effects.js';
import { refused, type Outcome } from '../outcome.js';
import type { PlayerState } from '../player.js';
import { accepted, blocked } from './answers.js';
import type { MachineContext } from './context.js';
import { grantable } from './eligibility.js';

/** Opting into a deposit-match campaign: the player's next qualifying deposit claims it. */
export function optIn(player: PlayerState, command: OptIn, context: MachineContext, effects: Effects): Outcome {
  if (player.wallet.status === 'blocked') return blocked(player);
  const campaign = context.catalogue.campaign(command.campaignId);
  if (campaign === undefined) return refused('CAMPAIGN_NOT_FOUND', `no campaign ${command.campaignId}`);
  if (campaign.type !== 'deposit_match') return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} is not a deposit match`);
  const unavailable = grantable(player, campaign, context.now);
  if (unavailable !== null) return unavailable;
  if (player.bonusOptIns.includes(campaign.campaignId)) return accepted(player, null, true);
  player.bonusOptIns.push(campaign.campaignId);
  effects.walletChanged = true;
  effects.emit({ type: 'bonus.opted_in', playerId: player.wallet.playerId, campaignId: campaign.campaignId });
  return accepted(player, null, false);
}
