// Goal: a campaign's statistics count every state, rate conversions over ended grants only, and
// sum wagering over ended grants only. Method: hand-made totals with known answers.
import { describe, expect, it } from 'vitest';
import { campaignStats, type StateTotals } from '../../src/core/bonus/campaign-stats.js';

function totals(grants: number, progress: bigint, granted = 0n): StateTotals {
  return { grants, granted, converted: 0n, forfeited: 0n, progress };
}

describe('campaignStats', () => {
  it('gives zero grants in every state and no conversion rate for a campaign nobody got', () => {
    expect(campaignStats({})).toEqual({
      grants: { granted: 0, queued: 0, active: 0, completed: 0, forfeited: 0, expired: 0, depleted: 0, cancelled: 0 },
      conversionRate: null,
      granted: 0n,
      converted: 0n,
      forfeited: 0n,
      wageredByEnded: 0n,
    });
  });

  it('rates completed grants over ended ones to four decimals; queued and active grants are not ended', () => {
    const stats = campaignStats({ queued: totals(5, 0n), active: totals(7, 0n), completed: totals(2, 0n), forfeited: totals(1, 0n) });
    expect(stats.grants).toMatchObject({ granted: 15, queued: 5, active: 7, completed: 2, forfeited: 1 });
    expect(stats.conversionRate).toBe(0.6667);
    expect(campaignStats({ completed: totals(1, 0n), expired: totals(1, 0n), depleted: totals(1, 0n), cancelled: totals(5, 0n) }).conversionRate).toBe(0.125);
  });

  it('sums amounts over every state, and wagering over the ended states only (an active row lags its bets)', () => {
    const stats = campaignStats({
      active: { grants: 1, granted: 100n, converted: 0n, forfeited: 0n, progress: 999n },
      completed: { grants: 1, granted: 200n, converted: 150n, forfeited: 50n, progress: 400n },
      expired: { grants: 1, granted: 300n, converted: 0n, forfeited: 300n, progress: 20n },
    });
    expect({ granted: stats.granted, converted: stats.converted, forfeited: stats.forfeited, wageredByEnded: stats.wageredByEnded }).toEqual({
      granted: 600n,
      converted: 150n,
      forfeited: 350n,
      wageredByEnded: 420n,
    });
  });
});
