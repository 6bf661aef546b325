import { grantsOfCampaign } from '../bonus/lifecycle.js';
import { isOpen, type Campaign } from '../bonus/campaign.js';
import { refused, type Refused } from '../outcome.js';
import type { PlayerState } from '../player.js';

/** Whether the player may be granted the campaign now; null when nothing stands in the way. */
export function grantable(player: PlayerState, campaign: Campaign, now: number): Refused | null {
  if (!isOpen(campaign, now)) return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} is not active now`);
  if (campaign.currency !== player.wallet.currency.code) return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} is in ${campaign.currency}`);
  if (campaign.maxGrantsPerPlayer !== null && grantsOfCampaign(player, campaign.campaignId) >= campaign.maxGrantsPerPlayer) {
    return refused('BONUS_NOT_AVAILABLE', `player ${player.wallet.playerId} already has ${campaign.maxGrantsPerPlayer} grant(s) of campaign ${campaign.campaignId}`);
  }
  return null;
}

export function depositQualifies(campaign: Campaign, amount: bigint): Refused | null {
  if (campaign.type !== 'deposit_match') return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} is not a deposit match`);
  if (amount < campaign.minDeposit) return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} needs a deposit of at least ${campaign.minDeposit}`);
  return null;
}
