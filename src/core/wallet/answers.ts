import { activeBonus } from '../bonus/lifecycle.js';
import { progressPercent, type BonusGrant } from '../bonus/grant.js';
import { refused, type Accepted, type ActiveBonus, type Refused } from '../outcome.js';
import type { PlayerState } from '../player.js';

/** The answer to a command the player's state accepted: balances, status and bonus after it. */
export function accepted(player: PlayerState, transactionId: string | null, duplicate: boolean): Accepted {
  const { wallet } = player;
  return {
    ok: true,
    playerId: wallet.playerId,
    currency: wallet.currency.code,
    transactionId,
    duplicate,
    balance: { cash: wallet.cash, bonus: wallet.bonus },
    status: wallet.status,
    activeBonus: summary(activeBonus(player)),
  };
}

export function blocked(player: PlayerState): Refused {
  return refused('PLAYER_BLOCKED', `player ${player.wallet.playerId} is blocked`);
}

export function insufficient(player: PlayerState, needed: bigint, available: bigint): Refused {
  return refused('INSUFFICIENT_FUNDS', `player ${player.wallet.playerId} has ${available}, needs ${needed}`);
}

function summary(grant: BonusGrant | undefined): ActiveBonus | null {
  if (grant === undefined) return null;
  return { grantId: grant.grantId, campaignId: grant.campaign.campaignId, progress: grant.progress, required: grant.required, percent: progressPercent(grant), expiresAt: grant.expiresAt };
}
