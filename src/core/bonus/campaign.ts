import type { FundsOrder } from '../funds-order.js';

export type CampaignType = 'deposit_match' | 'fixed' | 'free_spins_winnings';
export type WageringBase = 'bonus' | 'bonus_plus_deposit';

/** The most a bonus may turn into cash: a fixed amount, or a multiple of the bonus amount. */
export type MaxConversion = { readonly kind: 'absolute'; readonly amount: bigint } | { readonly kind: 'multiple'; readonly multiple: bigint };

/**
 * A bonus campaign. A grant keeps a copy of its campaign's terms, so changing a campaign later
 * never changes the rules of bonuses already granted.
 */
export interface Campaign {
  readonly campaignId: string;
  readonly name: string;
  readonly type: CampaignType;
  readonly currency: string;
  /** A code a player can give with a deposit to claim the campaign. */
  readonly code: string | null;
  /** Deposit match: percent of the deposit, capped, for deposits of at least minDeposit. */
  readonly matchPercent: number;
  readonly matchCap: bigint;
  readonly minDeposit: bigint;
  /** Fixed (no-deposit) campaigns grant this amount; free-spins winnings are given per grant. */
  readonly fixedAmount: bigint;
  readonly wageringMultiplier: number;
  readonly wageringBase: WageringBase;
  /** Percent of a stake that counts towards wagering, per game category. */
  readonly contributions: Readonly<Record<string, number>>;
  readonly defaultContribution: number;
  readonly maxBet: bigint | null;
  readonly maxConversion: MaxConversion | null;
  readonly validityMs: number;
  readonly forfeitOnWithdrawal: boolean;
  readonly maxGrantsPerPlayer: number | null;
  readonly fundsOrder: FundsOrder;
  readonly activeFrom: number;
  readonly activeUntil: number | null;
}

/** What the machine needs to know beyond a player's own state: campaigns and the games catalogue. */
export interface Catalogue {
  campaign(campaignId: string): Campaign | undefined;
  campaignByCode(code: string): Campaign | undefined;
  /** The category of a game (slots, table, live, sports, …); undefined for an unknown game. */
  gameCategory(gameId: string): string | undefined;
}

export const emptyCatalogue: Catalogue = {
  campaign: () => undefined,
  campaignByCode: () => undefined,
  gameCategory: () => undefined,
};

/**
 * `floor(amount × contribution% / 100)`; an unknown game or category counts at the default
 * percent. Categories are the operator's own strings: only the contributions' own keys count,
 * never what an object inherits (`constructor`, `__proto__`, `toString`).
 */
export function contributionOf(campaign: Campaign, category: string | undefined, amount: bigint): bigint {
  const known = category !== undefined && Object.hasOwn(campaign.contributions, category);
  const percent = known ? (campaign.contributions[category] ?? campaign.defaultContribution) : campaign.defaultContribution;
  return (amount * BigInt(percent)) / 100n;
}

export function wageringRequirement(campaign: Campaign, amount: bigint, depositAmount: bigint): bigint {
  const base = campaign.wageringBase === 'bonus_plus_deposit' ? amount + depositAmount : amount;
  return base * BigInt(campaign.wageringMultiplier);
}

export function conversionCap(campaign: Campaign, amount: bigint): bigint | null {
  if (campaign.maxConversion === null) return null;
  return campaign.maxConversion.kind === 'absolute' ? campaign.maxConversion.amount : amount * campaign.maxConversion.multiple;
}

/** The bonus a campaign gives for a deposit (deposit match) or on its own (fixed); 0 when it does not apply. */
export function bonusFor(campaign: Campaign, depositAmount: bigint): bigint {
  if (campaign.type === 'fixed') return campaign.fixedAmount;
  if (campaign.type !== 'deposit_match' || depositAmount < campaign.minDeposit) return 0n;
  const matched = (depositAmount * BigInt(campaign.matchPercent)) / 100n;
  return matched < campaign.matchCap ? matched : campaign.matchCap;
}

export function isOpen(campaign: Campaign, now: number): boolean {
  return campaign.activeFrom <= now && (campaign.activeUntil === null || now < campaign.activeUntil);
}
