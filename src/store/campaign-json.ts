import type { Campaign, MaxConversion } from '../core/bonus/campaign.js';

/** A campaign's terms as stored in jsonb: amounts as strings of minor units, times as epoch ms. */
export type TermsJson = Record<string, unknown>;

export function termsToJson(campaign: Campaign): TermsJson {
  return {
    campaignId: campaign.campaignId,
    name: campaign.name,
    type: campaign.type,
    currency: campaign.currency,
    code: campaign.code,
    matchPercent: campaign.matchPercent,
    matchCap: String(campaign.matchCap),
    minDeposit: String(campaign.minDeposit),
    fixedAmount: String(campaign.fixedAmount),
    wageringMultiplier: campaign.wageringMultiplier,
    wageringBase: campaign.wageringBase,
    contributions: campaign.contributions,
    defaultContribution: campaign.defaultContribution,
    maxBet: campaign.maxBet === null ? null : String(campaign.maxBet),
    maxConversion: maxConversionToJson(campaign.maxConversion),
    validityMs: campaign.validityMs,
    forfeitOnWithdrawal: campaign.forfeitOnWithdrawal,
    maxGrantsPerPlayer: campaign.maxGrantsPerPlayer,
    fundsOrder: campaign.fundsOrder,
    activeFrom: campaign.activeFrom,
    activeUntil: campaign.activeUntil,
  };
}

export function termsFromJson(json: TermsJson): Campaign {
  const text = (name: string) => String(json[name]);
  const nullable = (name: string) => (json[name] === null || json[name] === undefined ? null : json[name]);
  return {
    campaignId: text('campaignId'),
    name: text('name'),
    type: text('type') as Campaign['type'],
    currency: text('currency'),
    code: nullable('code') as string | null,
    matchPercent: Number(json.matchPercent),
    matchCap: BigInt(text('matchCap')),
    minDeposit: BigInt(text('minDeposit')),
    fixedAmount: BigInt(text('fixedAmount')),
    wageringMultiplier: Number(json.wageringMultiplier),
    wageringBase: text('wageringBase') as Campaign['wageringBase'],
    contributions: json.contributions as Record<string, number>,
    defaultContribution: Number(json.defaultContribution),
    maxBet: nullable('maxBet') === null ? null : BigInt(text('maxBet')),
    maxConversion: maxConversionFromJson(nullable('maxConversion') as Record<string, string> | null),
    validityMs: Number(json.validityMs),
    forfeitOnWithdrawal: json.forfeitOnWithdrawal === true,
    maxGrantsPerPlayer: nullable('maxGrantsPerPlayer') === null ? null : Number(json.maxGrantsPerPlayer),
    fundsOrder: text('fundsOrder') as Campaign['fundsOrder'],
    activeFrom: Number(json.activeFrom),
    activeUntil: nullable('activeUntil') === null ? null : Number(json.activeUntil),
  };
}

function maxConversionToJson(value: MaxConversion | null): Record<string, string> | null {
  if (value === null) return null;
  return value.kind === 'absolute' ? { kind: 'absolute', amount: String(value.amount) } : { kind: 'multiple', multiple: String(value.multiple) };
}

function maxConversionFromJson(value: Record<string, string> | null): MaxConversion | null {
  if (value === null) return null;
  return value.kind === 'absolute' ? { kind: 'absolute', amount: BigInt(value.amount ?? '0') } : { kind: 'multiple', multiple: BigInt(value.multiple ?? '0') };
}
