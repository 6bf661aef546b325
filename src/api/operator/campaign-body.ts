import type { Static } from 'typebox';
import type { Campaign, MaxConversion } from '../../core/bonus/campaign.js';
import { campaignDefaults, contributionsOver, type CampaignProposal } from '../../core/bonus/campaign-rules.js';
import type { CampaignBody, CampaignChange } from './campaign-schemas.js';

type AmountText = string | number;
type Change = Static<typeof CampaignChange>;

/** The body's fields as a proposal, every term left out at its default; the rules it must keep are the core's (acceptCampaign). */
export function proposalFromBody(body: Static<typeof CampaignBody>): CampaignProposal {
  return {
    campaignId: body.campaign_id,
    name: body.name,
    type: body.type,
    currency: body.currency,
    code: body.code ?? campaignDefaults.code,
    matchPercent: body.match_percent ?? null,
    matchCap: body.match_cap === undefined ? null : BigInt(body.match_cap),
    minDeposit: body.min_deposit === undefined ? campaignDefaults.minDeposit : BigInt(body.min_deposit),
    fixedAmount: body.fixed_amount === undefined ? campaignDefaults.fixedAmount : BigInt(body.fixed_amount),
    wageringMultiplier: body.wagering_multiplier,
    wageringBase: body.wagering_base ?? campaignDefaults.wageringBase,
    contributions: contributionsOver(campaignDefaults.contributions, body.contributions ?? {}),
    defaultContribution: body.default_contribution ?? campaignDefaults.defaultContribution,
    maxBet: nullableAmount(body.max_bet),
    maxConversion: maxConversionOf(body.max_conversion),
    validityMs: body.validity_seconds * 1000,
    forfeitOnWithdrawal: body.forfeit_on_withdrawal ?? campaignDefaults.forfeitOnWithdrawal,
    maxGrantsPerPlayer: body.max_grants_per_player ?? campaignDefaults.maxGrantsPerPlayer,
    fundsOrder: body.funds_order ?? campaignDefaults.fundsOrder,
    activeFrom: body.active_from === undefined ? campaignDefaults.activeFrom : Date.parse(body.active_from),
    activeUntil: body.active_until === undefined || body.active_until === null ? campaignDefaults.activeUntil : Date.parse(body.active_until),
  };
}

/** A campaign with a change applied: a term left out keeps its value, null clears it, contributions merge. */
export function proposalFromChange(current: Campaign, change: Change): CampaignProposal {
  const kept = <T>(value: T | undefined, currentValue: T): T => (value === undefined ? currentValue : value);
  return {
    ...current,
    name: kept(change.name, current.name),
    type: kept(change.type, current.type),
    currency: kept(change.currency, current.currency),
    code: kept(change.code, current.code),
    // An accepted campaign that is not a deposit match holds 0 for these: as if left out, so a change of type must name them.
    matchPercent: change.match_percent ?? (current.matchPercent === 0 ? null : current.matchPercent),
    matchCap: change.match_cap === undefined ? (current.matchCap === 0n ? null : current.matchCap) : BigInt(change.match_cap),
    minDeposit: change.min_deposit === undefined ? current.minDeposit : BigInt(change.min_deposit),
    fixedAmount: change.fixed_amount === undefined ? current.fixedAmount : BigInt(change.fixed_amount),
    wageringMultiplier: kept(change.wagering_multiplier, current.wageringMultiplier),
    wageringBase: kept(change.wagering_base, current.wageringBase),
    contributions: contributionsOver(current.contributions, change.contributions ?? {}),
    defaultContribution: kept(change.default_contribution, current.defaultContribution),
    maxBet: change.max_bet === undefined ? current.maxBet : nullableAmount(change.max_bet),
    maxConversion: change.max_conversion === undefined ? current.maxConversion : maxConversionOf(change.max_conversion),
    validityMs: change.validity_seconds === undefined ? current.validityMs : change.validity_seconds * 1000,
    forfeitOnWithdrawal: kept(change.forfeit_on_withdrawal, current.forfeitOnWithdrawal),
    maxGrantsPerPlayer: kept(change.max_grants_per_player, current.maxGrantsPerPlayer),
    fundsOrder: kept(change.funds_order, current.fundsOrder),
    activeFrom: change.active_from === undefined ? current.activeFrom : Date.parse(change.active_from),
    activeUntil: change.active_until === undefined ? current.activeUntil : change.active_until === null ? null : Date.parse(change.active_until),
  };
}

function nullableAmount(value: AmountText | null | undefined): bigint | null {
  return value === undefined || value === null ? null : BigInt(value);
}

function maxConversionOf(value: { absolute: AmountText } | { multiple: number } | null | undefined): MaxConversion | null {
  if (value === undefined || value === null) return null;
  return 'absolute' in value ? { kind: 'absolute', amount: BigInt(value.absolute) } : { kind: 'multiple', multiple: BigInt(value.multiple) };
}

/** A campaign as the operator API shows it: amounts as integer strings, times as ISO 8601. */
export function campaignView(campaign: Campaign) {
  return {
    campaign_id: campaign.campaignId,
    name: campaign.name,
    type: campaign.type,
    currency: campaign.currency,
    code: campaign.code,
    match_percent: campaign.matchPercent,
    match_cap: String(campaign.matchCap),
    min_deposit: String(campaign.minDeposit),
    fixed_amount: String(campaign.fixedAmount),
    wagering_multiplier: campaign.wageringMultiplier,
    wagering_base: campaign.wageringBase,
    contributions: { ...campaign.contributions },
    default_contribution: campaign.defaultContribution,
    max_bet: campaign.maxBet === null ? null : String(campaign.maxBet),
    max_conversion: campaign.maxConversion === null ? null : campaign.maxConversion.kind === 'absolute' ? { absolute: String(campaign.maxConversion.amount) } : { multiple: Number(campaign.maxConversion.multiple) },
    validity_seconds: Math.round(campaign.validityMs / 1000),
    forfeit_on_withdrawal: campaign.forfeitOnWithdrawal,
    max_grants_per_player: campaign.maxGrantsPerPlayer,
    funds_order: campaign.fundsOrder,
    active_from: new Date(campaign.activeFrom).toISOString(),
    active_until: campaign.activeUntil === null ? null : new Date(campaign.activeUntil).toISOString(),
  };
}
