// Goal: every bonus rule of docs/architecture.md §4 with exact numbers, on the pure machine.
// Method: a player with a 100 EUR bonus (10000 minor units), 30x wagering, slots 100% / table
// 10%, driven command by command; the clock is the model's `now`, moved by hand.
import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../src/core/commands.js';
import type { Campaign } from '../../src/core/bonus/campaign.js';
import { TestCatalogue, campaign, testNow } from '../support/catalogue.js';
import { Model } from '../support/model.js';

const day = 86_400_000;
const hundred = campaign({ campaignId: 'hundred', fixedAmount: 10_000n, wageringMultiplier: 30, fundsOrder: 'cash_first', validityMs: 7 * day });

function setup(...campaigns: Campaign[]): { model: Model; run: (input: CommandInput) => ReturnType<Model['execute']> } {
  const model = new Model('bonus_first', new TestCatalogue(campaigns.length === 0 ? [hundred] : campaigns, { slot: 'slots', blackjack: 'table' }));
  const run = (input: CommandInput) => model.execute(input);
  run({ kind: 'register', playerId: 'p', currency: 'EUR' });
  run({ kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '1000000' });
  return { model, run };
}

let sequence = 0;
const bet = (amount: number, gameId = 'slot', roundId?: string): CommandInput => {
  sequence += 1;
  return { kind: 'bet', source: 'prov', transactionId: `b${sequence}`, playerId: 'p', roundId: roundId ?? `r${sequence}`, gameId, amount: String(amount), currency: 'EUR' };
};
const win = (amount: number, roundId: string): CommandInput => {
  sequence += 1;
  return { kind: 'win', source: 'prov', transactionId: `w${sequence}`, playerId: 'p', roundId, gameId: 'slot', amount: String(amount), currency: 'EUR' };
};
const grant = (grantId: string, campaignId = 'hundred'): CommandInput => ({ kind: 'grant_bonus', playerId: 'p', grantId, campaignId });
const wallet = (model: Model) => {
  const state = model.player('p');
  return { cash: state?.wallet.cash, bonus: state?.wallet.bonus };
};
const bonus = (model: Model, grantId: string) => model.player('p')?.bonuses.find((item) => item.grantId === grantId);

describe('wagering a 100 EUR bonus at 30x (slots 100%, table 10%)', () => {
  it('requires 3000 EUR of wagering and converts on the exact bet that reaches it', () => {
    const { model, run } = setup();
    run(grant('g1'));
    expect(bonus(model, 'g1')).toMatchObject({ state: 'active', amount: 10_000n, required: 300_000n, progress: 0n });
    for (let index = 0; index < 29; index += 1) run(bet(10_000)); // 29 x 100 EUR on slots: 2900 EUR
    expect(bonus(model, 'g1')?.progress).toBe(290_000n);
    for (let index = 0; index < 9; index += 1) run(bet(10_000, 'blackjack')); // 9 x 100 EUR on table count 10 EUR each
    expect(bonus(model, 'g1')).toMatchObject({ state: 'active', progress: 299_000n });
    const last = run(bet(10_000, 'blackjack'));
    expect(bonus(model, 'g1')).toMatchObject({ state: 'completed', progress: 300_000n, convertedAmount: 10_000n, forfeitedAmount: 0n });
    expect(last.events.map((event) => event.type)).toEqual(['wagering.progressed', 'bonus.converted']);
    // cash_first: every stake came from cash (1,000,000 - 39 x 10,000), then the whole bonus became cash.
    expect(wallet(model)).toEqual({ cash: 1_000_000n - 390_000n + 10_000n, bonus: 0n });
  });

  it('counts floor(amount x percent / 100): a 0.99 EUR table bet adds 0.09 EUR', () => {
    const { model, run } = setup();
    run(grant('g1'));
    run(bet(99, 'blackjack'));
    expect(bonus(model, 'g1')?.progress).toBe(9n);
    run(bet(99, 'unknown-game')); // an unknown game counts at the default percent (0)
    expect(bonus(model, 'g1')?.progress).toBe(9n);
  });

  it('caps the conversion: min(bonus balance, max conversion) to cash, the rest to the house', () => {
    const capped = { ...hundred, campaignId: 'capped', fundsOrder: 'bonus_first' as const, wageringMultiplier: 1, maxConversion: { kind: 'absolute' as const, amount: 5_000n } };
    const { model, run } = setup(capped);
    run(grant('g1', 'capped'));
    run(bet(4_000, 'slot', 'r-a')); // from bonus: bonus 6000, progress 4000
    run(win(14_000, 'r-a')); // all bonus-funded: back to bonus -> 20000
    expect(wallet(model)).toEqual({ cash: 1_000_000n, bonus: 20_000n });
    const converting = run(bet(6_000, 'slot', 'r-b')); // progress 10000 = required; bonus 14000 at conversion
    expect(bonus(model, 'g1')).toMatchObject({ state: 'completed', convertedAmount: 5_000n, forfeitedAmount: 9_000n });
    expect(wallet(model)).toEqual({ cash: 1_005_000n, bonus: 0n });
    const conversion = converting.entries.find((entry) => entry.record.kind === 'bonus_conversion');
    expect(conversion?.postings.map((posting) => [posting.account, posting.amount])).toEqual([
      ['bonus', -14_000n],
      ['cash', 5_000n],
      ['house:bonus', 9_000n],
    ]);
  });

  it('caps the conversion at a multiple of the bonus', () => {
    const multiple = { ...hundred, campaignId: 'multiple', fundsOrder: 'bonus_first' as const, wageringMultiplier: 1, maxConversion: { kind: 'multiple' as const, multiple: 2n } };
    const { model, run } = setup(multiple);
    run(grant('g1', 'multiple'));
    run(bet(5_000, 'slot', 'r-a'));
    run(win(50_000, 'r-a')); // bonus 55000
    run(bet(5_000, 'slot', 'r-b')); // converts with bonus 50000, capped at 2 x 10000
    expect(bonus(model, 'g1')).toMatchObject({ state: 'completed', convertedAmount: 20_000n, forfeitedAmount: 30_000n });
  });
});

describe('wins on bonus-funded stakes', () => {
  it('split in proportion to the stake: the bonus-funded share goes back to the bonus', () => {
    const mixed = { ...hundred, campaignId: 'mixed', fixedAmount: 3_000n, fundsOrder: 'bonus_first' as const };
    const { model, run } = setup(mixed);
    run(grant('g1', 'mixed'));
    run(bet(4_000, 'slot', 'r-a')); // 3000 from bonus, 1000 from cash
    const paid = run(win(8_000, 'r-a'));
    expect(paid.entries[0]).toMatchObject({ cashAmount: 2_000n, bonusAmount: 6_000n });
    expect(wallet(model)).toEqual({ cash: 1_001_000n, bonus: 6_000n });
  });

  it('go to cash when the bonus converted meanwhile, and stay with the house when it expired', () => {
    const quick = { ...hundred, campaignId: 'quick', fundsOrder: 'bonus_first' as const, wageringMultiplier: 1 };
    const { model, run } = setup(quick);
    run(grant('g1', 'quick'));
    run(bet(4_000, 'slot', 'open')); // bonus-funded, round stays open
    run(bet(6_000, 'slot', 'r-b')); // reaches 10000: converts (bonus balance 0 -> nothing to convert)
    expect(bonus(model, 'g1')?.state).toBe('completed');
    run(win(8_000, 'open'));
    expect(wallet(model)).toEqual({ cash: 1_008_000n, bonus: 0n });

    const later = setup(quick);
    later.run(grant('g2', 'quick'));
    later.run(bet(4_000, 'slot', 'open'));
    later.model.now = testNow + 8 * day; // past the 7-day validity
    const expired = later.run(win(8_000, 'open'));
    expect(bonus(later.model, 'g2')).toMatchObject({ state: 'expired', forfeitedAmount: 6_000n });
    expect(expired.entries.find((entry) => entry.record.kind === 'win')).toMatchObject({ cashAmount: 0n, bonusAmount: 0n });
    expect(wallet(later.model)).toEqual({ cash: 1_000_000n, bonus: 0n });
  });
});

describe('rollbacks', () => {
  it('undo the contribution while the bonus is wagered', () => {
    const { model, run } = setup();
    run(grant('g1'));
    const placed = bet(10_000);
    run(placed);
    expect(bonus(model, 'g1')?.progress).toBe(10_000n);
    run({ kind: 'rollback', source: 'prov', transactionId: 'rb1', playerId: 'p', roundId: placed.roundId as string, referenceTransactionId: placed.transactionId as string });
    expect(bonus(model, 'g1')?.progress).toBe(0n);
    expect(wallet(model)).toEqual({ cash: 1_000_000n, bonus: 10_000n });
  });

  it('of the bet that completed wagering: the conversion stands, the whole stake returns to cash', () => {
    const quick = { ...hundred, campaignId: 'quick', fundsOrder: 'bonus_first' as const, wageringMultiplier: 1 };
    const { model, run } = setup(quick);
    run(grant('g1', 'quick'));
    run(bet(2_000, 'slot', 'r-a')); // from bonus: bonus 8000
    const completing = bet(8_000, 'slot', 'r-b'); // from bonus: bonus 0, progress 10000 -> completed, converts 0
    run(completing);
    expect(bonus(model, 'g1')).toMatchObject({ state: 'completed', convertedAmount: 0n });
    const undone = run({ kind: 'rollback', source: 'prov', transactionId: 'rb1', playerId: 'p', roundId: 'r-b', referenceTransactionId: completing.transactionId as string });
    expect(undone.entries[0]).toMatchObject({ cashAmount: 8_000n, bonusAmount: 0n });
    expect(bonus(model, 'g1')?.state).toBe('completed');
    expect(wallet(model)).toEqual({ cash: 1_008_000n, bonus: 0n });
  });
});

describe('limits and end states', () => {
  it('refuses a bet above the max bet while wagering: MAX_BET_EXCEEDED, nothing moves', () => {
    const { model, run } = setup({ ...hundred, maxBet: 500n });
    run(grant('g1'));
    expect(run(bet(501)).outcome).toMatchObject({ ok: false, code: 'MAX_BET_EXCEEDED' });
    expect(run(bet(500)).outcome).toMatchObject({ ok: true });
    expect(bonus(model, 'g1')?.progress).toBe(500n);
  });

  it('expires on touch with the clock: the rest of the bonus goes to the house and the next one activates', () => {
    const { model, run } = setup();
    run(grant('g1'));
    run(grant('g2'));
    expect([bonus(model, 'g1')?.state, bonus(model, 'g2')?.state]).toEqual(['active', 'queued']);
    model.now = testNow + 7 * day - 1;
    run({ kind: 'balance', playerId: 'p' });
    expect(bonus(model, 'g1')?.state).toBe('active');
    model.now = testNow + 7 * day;
    const touched = run({ kind: 'balance', playerId: 'p' });
    expect(touched.events.map((event) => event.type)).toEqual(['bonus.expired', 'bonus.activated']);
    expect(bonus(model, 'g1')).toMatchObject({ state: 'expired', forfeitedAmount: 10_000n, endedAt: testNow + 7 * day });
    expect(bonus(model, 'g2')).toMatchObject({ state: 'active', activatedAt: testNow + 7 * day, expiresAt: testNow + 14 * day });
    expect(wallet(model)).toEqual({ cash: 1_000_000n, bonus: 10_000n });
  });

  it('is forfeited by a withdrawal when the campaign says so', () => {
    const { model, run } = setup({ ...hundred, forfeitOnWithdrawal: true });
    run(grant('g1'));
    run({ kind: 'withdrawal', source: 'operator', transactionId: 'w1', playerId: 'p', amount: '100' });
    expect(bonus(model, 'g1')).toMatchObject({ state: 'forfeited', forfeitedAmount: 10_000n });
    expect(wallet(model)).toEqual({ cash: 999_900n, bonus: 0n });
  });

  it('is cancelled by the operator, active or queued', () => {
    const { model, run } = setup();
    run(grant('g1'));
    run(grant('g2'));
    run({ kind: 'cancel_bonus', playerId: 'p', grantId: 'g2' });
    expect(bonus(model, 'g2')?.state).toBe('cancelled');
    run({ kind: 'cancel_bonus', playerId: 'p', grantId: 'g1' });
    expect(bonus(model, 'g1')).toMatchObject({ state: 'cancelled', forfeitedAmount: 10_000n });
    expect(run({ kind: 'cancel_bonus', playerId: 'p', grantId: 'g1' }).outcome).toMatchObject({ ok: true, duplicate: true });
    expect(wallet(model).bonus).toBe(0n);
  });

  it('is depleted when the bonus is gone and no bonus-funded round is open', () => {
    const { model, run } = setup({ ...hundred, fundsOrder: 'bonus_first' });
    run(grant('g1'));
    run(bet(10_000, 'slot', 'r-a')); // all of the bonus, round open: not depleted yet
    expect(bonus(model, 'g1')?.state).toBe('active');
    run(win(0, 'r-a')); // lost: nothing can come back
    expect(bonus(model, 'g1')?.state).toBe('depleted');
  });

  it('queues further grants and activates them in order', () => {
    const quick = { ...hundred, campaignId: 'quick', wageringMultiplier: 1 };
    const { model, run } = setup(quick);
    run(grant('g1', 'quick'));
    run(grant('g2', 'quick'));
    run(bet(10_000));
    expect([bonus(model, 'g1')?.state, bonus(model, 'g2')?.state]).toEqual(['completed', 'active']);
  });

  it('is idempotent by grant id and respects max grants per player', () => {
    const { run } = setup({ ...hundred, maxGrantsPerPlayer: 1 });
    expect(run(grant('g1')).outcome).toMatchObject({ ok: true, duplicate: false });
    expect(run(grant('g1')).outcome).toMatchObject({ ok: true, duplicate: true });
    expect(run(grant('g2')).outcome).toMatchObject({ ok: false, code: 'BONUS_NOT_AVAILABLE' });
    expect(run(grant('g3', 'no-such-campaign')).outcome).toMatchObject({ ok: false, code: 'CAMPAIGN_NOT_FOUND' });
  });
});

describe('deposit bonuses', () => {
  const match = campaign({ campaignId: 'match', type: 'deposit_match', code: 'WELCOME', matchPercent: 100, matchCap: 20_000n, minDeposit: 1_000n, wageringMultiplier: 10, wageringBase: 'bonus_plus_deposit' });

  it('a deposit with a campaign code grants the match, capped, with wagering on bonus + deposit', () => {
    const { model, run } = setup(match);
    run({ kind: 'deposit', source: 'operator', transactionId: 'd2', playerId: 'p', amount: '50000', bonusCode: 'WELCOME' });
    expect(bonus(model, 'deposit-d2')).toMatchObject({ state: 'active', amount: 20_000n, depositAmount: 50_000n, required: 700_000n });
    expect(run({ kind: 'deposit', source: 'operator', transactionId: 'd3', playerId: 'p', amount: '999', bonusCode: 'WELCOME' }).outcome).toMatchObject({ code: 'BONUS_NOT_AVAILABLE' });
    expect(run({ kind: 'deposit', source: 'operator', transactionId: 'd4', playerId: 'p', amount: '1000', bonusCode: 'NOPE' }).outcome).toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
  });

  it('an opted-in player gets the match on the next qualifying deposit, once', () => {
    const { model, run } = setup(match);
    run({ kind: 'opt_in', playerId: 'p', campaignId: 'match' });
    run({ kind: 'deposit', source: 'operator', transactionId: 'd2', playerId: 'p', amount: '500' }); // below the minimum
    expect(model.player('p')?.bonuses).toHaveLength(0);
    run({ kind: 'deposit', source: 'operator', transactionId: 'd3', playerId: 'p', amount: '5000' });
    expect(bonus(model, 'deposit-d3')).toMatchObject({ amount: 5_000n });
    run({ kind: 'deposit', source: 'operator', transactionId: 'd4', playerId: 'p', amount: '5000' });
    expect(model.player('p')?.bonuses).toHaveLength(1);
  });
});
