import { wageringPercent } from '../../core/bonus/grant.js';
import type { GrantRow } from '../../ports/bonus-reader.js';

/** A player's grant as the operator API shows it, with its wagering as a percent (two decimals, at most 100). */
export function bonusView(row: GrantRow) {
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  return {
    grant_id: row.grant_id,
    campaign_id: row.campaign_id,
    state: row.state,
    amount: row.amount,
    deposit_amount: row.deposit_amount,
    wagering: { progress: row.progress, required: row.required, percent: wageringPercent(BigInt(row.progress), BigInt(row.required)) },
    converted_amount: row.converted_amount,
    forfeited_amount: row.forfeited_amount,
    granted_at: iso(row.granted_at) ?? '',
    activated_at: iso(row.activated_at),
    expires_at: iso(row.expires_at),
    ended_at: iso(row.ended_at),
  };
}
