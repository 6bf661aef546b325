import type { Static } from 'typebox';
import type { Campaign } from '../../core/bonus/campaign.js';
import type { CampaignProposal } from '../../core/bonus/campaign-rules.js';
import type { CampaignBody } from '../schemas.js';

/** The body's fields as a proposal; the rules it must keep are the core's (acceptCampaign). */
export function proposalFromBody(body: Static<typeof CampaignBody>): CampaignProposal {
  const amount = (value: string | number | undefined | null) => (value === undefined || value === null ? 0n : BigInt(value));
  const maxConversion = body.max_conversion === undefined || body.max_conversion === null
    ? null
    : 'absolute' in body.max_conversion
      ? { kind: 'absolute' as const, amount: amount(body.max_conversion.absolute) }
      : { kind: 'multiple' as const, multiple: BigInt(body.max_conversion.multiple) };
  return {
    campaignId: body.campaign_id,
    name: body.name,
    type: body.type,
    currency: body.currency,
    code: body.code ?? null,
    matchPercent: body.match_percent ?? null,
    matchCap: body.match_cap === undefined ? null : amount(body.match_cap),
    minDeposit: amount(body.min_deposit),
    fixedAmount: amount(body.fixed_amount),
    wageringMultiplier: body.wagering_multiplier,
    wageringBase: body.wagering_base ?? 'bonus',
    contributions: body.contributions ?? {},
    defaultContribution: body.default_contribution ?? 0,
    maxBet: body.max_bet === undefined || body.max_bet === null ? null : amount(body.max_bet),
    maxConversion,
    validityMs: body.validity_seconds * 1000,
    forfeitOnWithdrawal: body.forfeit_on_withdrawal ?? false,
    maxGrantsPerPlayer: body.max_grants_per_player ?? null,
    fundsOrder: body.funds_order ?? 'bonus_first',
    activeFrom: body.active_from === undefined ? 0 : Date.parse(body.active_from),
    activeUntil: body.active_until === undefined || body.active_until === null ? null : Date.parse(body.active_until),
  };
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

