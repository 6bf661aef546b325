import { failure, success, type Result } from '../result.js';
import type { Campaign, Catalogue, MaxConversion } from './campaign.js';

/**
 * What a campaign's optional terms are when the operator leaves them out (docs/design.md,
 * "Campaign defaults"); the OpenAPI shows the same values. Every stake counts in full except on
 * table and live games, whose low house edge would let a bonus be wagered almost for free, so
 * that a campaign made without contributions can be wagered on any game, catalogued or not.
 */
export const campaignDefaults = {
  code: null,
  minDeposit: 0n,
  fixedAmount: 0n,
  wageringBase: 'bonus',
  contributions: { slots: 100, table: 10, live: 10, sports: 100 },
  defaultContribution: 100,
  maxBet: null,
  maxConversion: null,
  forfeitOnWithdrawal: false,
  maxGrantsPerPlayer: null,
  fundsOrder: 'bonus_first',
  activeFrom: 0,
  activeUntil: null,
} as const satisfies Partial<Campaign>;

/**
 * Contributions named by the operator, over the defaults: a category left out keeps its default
 * percent, and one named with another percent (0 included) takes it. Own keys only: a category is
 * the operator's string, and `__proto__` or `constructor` is a category like any other.
 */
export function contributionsOver(base: Readonly<Record<string, number>>, named: Readonly<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const source of [base, named]) {
    for (const [category, percent] of Object.entries(source)) Object.defineProperty(merged, category, { value: percent, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

/**
 * A campaign as an operator proposes it. A deposit match's percent and cap are null when they
 * were left out: a deposit match without them would grant nothing, so it is refused.
 */
export interface CampaignProposal extends Omit<Campaign, 'matchPercent' | 'matchCap'> {
  readonly matchPercent: number | null;
  readonly matchCap: bigint | null;
}

/**
 * The rules a campaign keeps before it is saved; the answer names the first rule broken.
 * A code claims one campaign only, or a deposit could not tell which campaign it claims.
 */
export function acceptCampaign(proposal: CampaignProposal, catalogue: Pick<Catalogue, 'campaignByCode'>): Result<Campaign> {
  if (proposal.type === 'deposit_match' && (proposal.matchPercent === null || proposal.matchCap === null)) {
    return failure('VALIDATION_ERROR', 'a deposit_match campaign needs match_percent and match_cap');
  }
  if (proposal.type === 'fixed' && proposal.fixedAmount <= 0n) return failure('VALIDATION_ERROR', 'a fixed campaign needs a positive fixed_amount');
  if (proposal.activeUntil !== null && proposal.activeUntil <= proposal.activeFrom) return failure('VALIDATION_ERROR', 'active_until must be after active_from');
  const holder = proposal.code === null ? undefined : catalogue.campaignByCode(proposal.code);
  if (holder !== undefined && holder.campaignId !== proposal.campaignId) {
    return failure('VALIDATION_ERROR', `code ${proposal.code} belongs to campaign ${holder.campaignId}`);
  }
  return success({ ...proposal, matchPercent: proposal.matchPercent ?? 0, matchCap: proposal.matchCap ?? 0n });
}

/** Whether two campaigns have the same terms: a repeated creation is answered as a success only when they do. */
export function sameTerms(left: Campaign, right: Campaign): boolean {
  const { contributions: leftContributions, maxConversion: leftConversion, ...leftRest } = left;
  const { contributions: rightContributions, maxConversion: rightConversion, ...rightRest } = right;
  const keys = Object.keys(leftRest) as (keyof typeof leftRest)[];
  return keys.every((key) => leftRest[key] === rightRest[key]) && sameContributions(leftContributions, rightContributions) && sameConversion(leftConversion, rightConversion);
}

function sameContributions(left: Readonly<Record<string, number>>, right: Readonly<Record<string, number>>): boolean {
  const leftKeys = Object.keys(left);
  return leftKeys.length === Object.keys(right).length && leftKeys.every((category) => Object.hasOwn(right, category) && left[category] === right[category]);
}

function sameConversion(left: MaxConversion | null, right: MaxConversion | null): boolean {
  if (left === null || right === null) return left === right;
  if (left.kind === 'absolute') return right.kind === 'absolute' && left.amount === right.amount;
  return right.kind === 'multiple' && left.multiple === right.multiple;
}
