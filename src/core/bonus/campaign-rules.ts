import { failure, success, type Result } from '../result.js';
import type { Campaign, Catalogue } from './campaign.js';

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
