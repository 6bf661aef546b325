import { bonusStates, endStates, type BonusState } from './grant.js';

/** The sums over a campaign's grants in one state, as stored. */
export interface StateTotals {
  readonly grants: number;
  readonly granted: bigint;
  readonly converted: bigint;
  readonly forfeited: bigint;
  /** The stored wagering; an active grant's lags its bets (it is rebuilt from them on load). */
  readonly progress: bigint;
}

/** A campaign's grants summed by state; a state without grants may be missing. */
export type CampaignTotals = Readonly<Partial<Record<BonusState, StateTotals>>>;

export interface CampaignStats {
  /** Grants in each state, and `granted`: all of them. */
  readonly grants: Readonly<Record<BonusState | 'granted', number>>;
  /** Completed grants ÷ ended grants, to four decimals; null while none has ended. */
  readonly conversionRate: number | null;
  readonly granted: bigint;
  readonly converted: bigint;
  readonly forfeited: bigint;
  /** Wagering done by the ended grants only: their stored progress is final, an active one's is not. */
  readonly wageredByEnded: bigint;
}

const conversionRateScale = 10_000;
const endedStates: readonly BonusState[] = bonusStates.filter((state) => endStates.has(state));

/** What became of a campaign's grants: how many are in each state, and the money they moved. */
export function campaignStats(totals: CampaignTotals): CampaignStats {
  const count = (state: BonusState) => totals[state]?.grants ?? 0;
  const ended = total(endedStates.map(count));
  const amount = (field: 'granted' | 'converted' | 'forfeited' | 'progress', states: readonly BonusState[]) =>
    states.reduce((sum, state) => sum + (totals[state]?.[field] ?? 0n), 0n);
  const byState = Object.fromEntries(bonusStates.map((state) => [state, count(state)])) as Record<BonusState, number>;
  return {
    grants: { granted: total(bonusStates.map(count)), ...byState },
    conversionRate: ended === 0 ? null : Math.round((count('completed') / ended) * conversionRateScale) / conversionRateScale,
    granted: amount('granted', bonusStates),
    converted: amount('converted', bonusStates),
    forfeited: amount('forfeited', bonusStates),
    wageredByEnded: amount('progress', endedStates),
  };
}

function total(counts: readonly number[]): number {
  return counts.reduce((sum, value) => sum + value, 0);
}
