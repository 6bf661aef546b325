// Goal: the rules a campaign keeps before it is saved, each with the refusal it gives, on the pure
// function. Method: a valid proposal of each type, then one broken rule at a time; a catalogue of
// one campaign holds the code that is already taken.
import { describe, expect, it } from 'vitest';
import { acceptCampaign, type CampaignProposal } from '../../src/core/bonus/campaign-rules.js';
import { baseCampaign, campaign, TestCatalogue } from '../support/catalogue.js';

const fixed: CampaignProposal = { ...baseCampaign, campaignId: 'gift', fixedAmount: 500n, matchPercent: null, matchCap: null };
const match: CampaignProposal = { ...baseCampaign, campaignId: 'match', type: 'deposit_match', code: 'MATCH', matchPercent: 100, matchCap: 1_000n };
const catalogue = new TestCatalogue([campaign({ campaignId: 'welcome', code: 'WELCOME' })]);

function refusal(proposal: CampaignProposal): string {
  const result = acceptCampaign(proposal, catalogue);
  if (result.ok) throw new Error(`expected ${proposal.campaignId} to be refused`);
  expect(result.code).toBe('VALIDATION_ERROR');
  return result.message;
}

describe('acceptCampaign', () => {
  it('accepts a fixed campaign and gives a left-out match percent and cap as 0', () => {
    expect(acceptCampaign(fixed, catalogue)).toEqual({ ok: true, value: { ...fixed, matchPercent: 0, matchCap: 0n } });
  });

  it('accepts a deposit match with its percent and cap, and a campaign that keeps its own code', () => {
    expect(acceptCampaign(match, catalogue)).toEqual({ ok: true, value: match });
    expect(acceptCampaign({ ...fixed, campaignId: 'welcome', code: 'WELCOME' }, catalogue).ok).toBe(true);
  });

  it('refuses a deposit match without a percent or without a cap', () => {
    expect(refusal({ ...match, matchPercent: null })).toBe('a deposit_match campaign needs match_percent and match_cap');
    expect(refusal({ ...match, matchCap: null })).toBe('a deposit_match campaign needs match_percent and match_cap');
  });

  it('refuses a fixed campaign that grants nothing', () => {
    expect(refusal({ ...fixed, fixedAmount: 0n })).toBe('a fixed campaign needs a positive fixed_amount');
  });

  it('refuses an active window that ends when or before it starts', () => {
    expect(refusal({ ...fixed, activeFrom: 1_000, activeUntil: 1_000 })).toBe('active_until must be after active_from');
    expect(refusal({ ...fixed, activeFrom: 1_000, activeUntil: 999 })).toBe('active_until must be after active_from');
    expect(acceptCampaign({ ...fixed, activeFrom: 1_000, activeUntil: 1_001 }, catalogue).ok).toBe(true);
  });

  it('refuses a code that another campaign holds', () => {
    expect(refusal({ ...match, code: 'WELCOME' })).toBe('code WELCOME belongs to campaign welcome');
  });
});
