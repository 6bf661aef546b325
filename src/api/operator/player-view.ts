import type { Accepted } from '../../core/outcome.js';
import { balanceOf } from '../replies.js';

/** A player as the operator API shows it: status, balance and the bonus being wagered. */
export function playerView(accepted: Accepted) {
  const bonus = accepted.activeBonus;
  return {
    player_id: accepted.playerId,
    currency: accepted.currency,
    status: accepted.status,
    balance: balanceOf(accepted),
    active_bonus:
      bonus === null
        ? null
        : {
            grant_id: bonus.grantId,
            campaign_id: bonus.campaignId,
            progress: String(bonus.progress),
            required: String(bonus.required),
            percent: bonus.percent,
            expires_at: bonus.expiresAt === null ? null : new Date(bonus.expiresAt).toISOString(),
          },
  };
}
