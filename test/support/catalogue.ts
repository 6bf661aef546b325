import type { Campaign, Catalogue } from '../../src/core/bonus/campaign.js';

const day = 86_400_000;

/** A fixed clock for tests: 2026-11-21T12:00:00Z. */
export const testNow = Date.parse('2026-11-21T12:00:00Z');

export const baseCampaign: Campaign = {
  campaignId: 'base',
  name: 'base',
  type: 'fixed',
  currency: 'EUR',
  code: null,
  matchPercent: 0,
  matchCap: 0n,
  minDeposit: 0n,
  fixedAmount: 0n,
  wageringMultiplier: 30,
  wageringBase: 'bonus',
  contributions: { slots: 100, table: 10, live: 10, sports: 100 },
  defaultContribution: 0,
  maxBet: null,
  maxConversion: null,
  validityMs: 30 * day,
  forfeitOnWithdrawal: false,
  maxGrantsPerPlayer: null,
  fundsOrder: 'bonus_first',
  activeFrom: 0,
  activeUntil: null,
};

export function campaign(overrides: Partial<Campaign>): Campaign {
  return { ...baseCampaign, ...overrides };
}

/** Campaigns the generated sessions use: a fixed welcome bonus, free-spins winnings, a deposit match by code. */
export const sessionCampaigns: readonly Campaign[] = [
  campaign({ campaignId: 'welcome', fixedAmount: 800n, wageringMultiplier: 2, maxBet: 300n, maxConversion: { kind: 'absolute', amount: 500n } }),
  campaign({ campaignId: 'spins', type: 'free_spins_winnings', wageringMultiplier: 1, fundsOrder: 'cash_first', forfeitOnWithdrawal: true }),
  campaign({ campaignId: 'match', type: 'deposit_match', code: 'MATCH100', matchPercent: 100, matchCap: 400n, minDeposit: 100n, wageringMultiplier: 3, wageringBase: 'bonus_plus_deposit', maxConversion: { kind: 'multiple', multiple: 2n } }),
];

export const sessionGames: Readonly<Record<string, string>> = { slot: 'slots', blackjack: 'table', roulette: 'live' };

export class TestCatalogue implements Catalogue {
  constructor(
    private readonly campaigns: readonly Campaign[] = sessionCampaigns,
    private readonly games: Readonly<Record<string, string>> = sessionGames,
  ) {}

  campaign(campaignId: string): Campaign | undefined {
    return this.campaigns.find((item) => item.campaignId === campaignId);
  }

  campaignByCode(code: string): Campaign | undefined {
    return this.campaigns.find((item) => item.code === code);
  }

  gameCategory(gameId: string): string | undefined {
    return this.games[gameId];
  }
}
