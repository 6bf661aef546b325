// Goal: money cannot move where it must not (issue 14, points 1, 4 and 6 on the pure machine).
// Per-currency limits on one transaction and on a balance, a provider's maximum win and payout
// per round, contributions that never read inherited keys, and no bonus for a blocked player.
// Each case failed before the change: a 36-nine deposit was booked three times, a win of 10^35
// was paid, a game in category "constructor" threw, and a blocked player was granted a bonus.
// Method: exact cases on the pure machine (the model), nothing moving on each refusal.
import { describe, expect, it } from 'vitest';
import { contributionOf } from '../../src/core/bonus/campaign.js';
import { replayRound } from '../../src/core/history.js';
import { amountMax, currencies } from '../../src/core/money.js';
import { defaultMoneyLimits, effectiveLimits, moneyLimitsProblem, type MoneyLimits } from '../../src/core/money-limits.js';
import { Model } from '../support/model.js';
import { TestCatalogue, campaign } from '../support/catalogue.js';

const tight = new Map<string, MoneyLimits>([['EUR', { transactionMax: 1_000n, balanceMax: 3_000n }]]);
const catalogue = new TestCatalogue(
  [campaign({ campaignId: 'big', fixedAmount: 5_000n }), campaign({ campaignId: 'small', fixedAmount: 100n }), campaign({ campaignId: 'instant', fixedAmount: 100n, wageringMultiplier: 0 }), campaign({ campaignId: 'match', type: 'deposit_match', code: 'M', matchPercent: 100, matchCap: 10_000n })],
  { slot: 'slots', odd: 'constructor', proto: '__proto__', text: 'toString' },
);

function player(limits = tight, cash = '1000'): Model {
  const model = new Model('cash_first', catalogue, limits);
  model.execute({ kind: 'register', playerId: 'p', currency: 'EUR' });
  if (cash !== '0') expect(model.execute({ kind: 'deposit', source: 'operator', transactionId: 'd0', playerId: 'p', amount: cash }).outcome.ok).toBe(true);
  return model;
}

const balance = (model: Model) => ({ cash: model.player('p')?.wallet.cash, bonus: model.player('p')?.wallet.bonus });
const bet = (transactionId: string, amount: string, roundId = 'r1', gameId = 'slot') =>
  ({ kind: 'bet', source: 'prov', transactionId, playerId: 'p', roundId, gameId, amount, currency: 'EUR' }) as const;
const win = (transactionId: string, amount: string, roundId = 'r1', limits: { winMax?: string; roundPayoutMax?: string } = {}) =>
  ({ kind: 'win', source: 'prov', transactionId, playerId: 'p', roundId, gameId: 'slot', amount, currency: 'EUR', ...limits }) as const;

describe('per-currency limits', () => {
  it('refuses a deposit, withdrawal or bet above the transaction maximum, and moves nothing', () => {
    const model = player();
    for (const command of [
      { kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '1001' } as const,
      { kind: 'withdrawal', source: 'operator', transactionId: 'w1', playerId: 'p', amount: '1001' } as const,
      bet('b1', '1001'),
    ]) {
      expect(model.execute(command).outcome).toMatchObject({ ok: false, code: 'AMOUNT_LIMIT_EXCEEDED' });
    }
    expect(balance(model)).toEqual({ cash: 1_000n, bonus: 0n });
  });

  it('refuses a deposit or bonus that would take cash + bonus above the balance maximum, never a win', () => {
    const model = player();
    expect(model.execute({ kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '1000' }).outcome.ok).toBe(true);
    expect(model.execute({ kind: 'deposit', source: 'operator', transactionId: 'd2', playerId: 'p', amount: '1000' }).outcome.ok).toBe(true);
    expect(model.execute({ kind: 'deposit', source: 'operator', transactionId: 'd3', playerId: 'p', amount: '1' }).outcome).toMatchObject({ code: 'BALANCE_LIMIT_EXCEEDED' });
    expect(model.execute(bet('b1', '10')).outcome.ok).toBe(true);
    expect(model.execute({ kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'small' }).outcome).toMatchObject({ code: 'BALANCE_LIMIT_EXCEEDED' });
    // A won round is paid even past the maximum: refusing it would leave the round unpaid.
    expect(model.execute(win('w1', '11')).outcome.ok).toBe(true);
    expect(balance(model)).toEqual({ cash: 3_001n, bonus: 0n });
  });

  it('refuses a bonus above the transaction maximum, and a deposit whose matched bonus would pass the balance maximum', () => {
    const model = player();
    expect(model.execute({ kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'big' }).outcome).toMatchObject({ code: 'AMOUNT_LIMIT_EXCEEDED' });
    expect(model.execute({ kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '1000', bonusCode: 'M' }).outcome.ok).toBe(true);
    expect(model.execute({ kind: 'deposit', source: 'operator', transactionId: 'd2', playerId: 'p', amount: '600', bonusCode: 'M' }).outcome).toMatchObject({ code: 'BALANCE_LIMIT_EXCEEDED' });
    expect(balance(model)).toEqual({ cash: 2_000n, bonus: 1_000n });
  });

  it('by default refuses the 36-nine deposit that was booked three times, and a win of 10^35', () => {
    const model = player(new Map(), '100000');
    const nines = '9'.repeat(36);
    expect(model.execute({ kind: 'deposit', source: 'operator', transactionId: 'huge', playerId: 'p', amount: nines }).outcome).toMatchObject({ code: 'AMOUNT_LIMIT_EXCEEDED' });
    expect(model.execute(bet('b1', '100')).outcome.ok).toBe(true);
    expect(model.execute(win('w1', (10n ** 35n).toString())).outcome).toMatchObject({ code: 'AMOUNT_LIMIT_EXCEEDED' });
    expect(balance(model)).toEqual({ cash: 99_900n, bonus: 0n });
  });

  it('has defaults for every currency whose balance maximum fits the API amount format, and refuses a bad table', () => {
    for (const currency of currencies.values()) {
      const limits = defaultMoneyLimits(currency);
      expect(limits.transactionMax > 0n && limits.transactionMax <= limits.balanceMax && limits.balanceMax <= amountMax).toBe(true);
    }
    expect(effectiveLimits(tight).get('EUR')).toEqual(tight.get('EUR'));
    expect(moneyLimitsProblem(tight)).toBeNull();
    expect(moneyLimitsProblem(new Map([['EUR', { transactionMax: 10n, balanceMax: 5n }]]))).toMatch(/above the balance maximum/);
    expect(moneyLimitsProblem(new Map([['EUR', { transactionMax: 10n, balanceMax: amountMax + 1n }]]))).toMatch(/largest amount/);
    expect(moneyLimitsProblem(new Map([['XXX', { transactionMax: 1n, balanceMax: 1n }]]))).toMatch(/unknown currency/);
  });
});

describe('queued bonuses and the balance maximum', () => {
  it('cancels a queued bonus whose credit would take the balance above the maximum when it activates', () => {
    const model = player(tight, '1000');
    for (const [transactionId, amount] of [['d1', '1000'], ['d2', '800']]) expect(model.execute({ kind: 'deposit', source: 'operator', transactionId, playerId: 'p', amount }).outcome.ok).toBe(true);
    expect(model.execute({ kind: 'grant_bonus', playerId: 'p', grantId: 'g0', campaignId: 'small' }).outcome.ok).toBe(true);
    // Each instant bonus fits when granted (2,900 + 100), queued behind g0; each converts to cash as it activates.
    for (const grantId of ['i1', 'i2', 'i3', 'i4']) expect(model.execute({ kind: 'grant_bonus', playerId: 'p', grantId, campaignId: 'instant' }).outcome.ok).toBe(true);
    expect(model.execute({ kind: 'cancel_bonus', playerId: 'p', grantId: 'g0' }).outcome.ok).toBe(true);
    const states = Object.fromEntries(model.player('p')!.bonuses.map((grant) => [grant.grantId, grant.state]));
    expect(states).toEqual({ g0: 'cancelled', i1: 'completed', i2: 'completed', i3: 'cancelled', i4: 'cancelled' });
    expect(balance(model)).toEqual({ cash: 3_000n, bonus: 0n });
  });
});

describe("a provider's own win limits", () => {
  it('refuses a win above the maximum win, and wins that would take the round above its maximum payout', () => {
    const model = player(new Map());
    expect(model.execute(bet('b1', '100')).outcome.ok).toBe(true);
    expect(model.execute(win('w1', '501', 'r1', { winMax: '500' })).outcome).toMatchObject({ code: 'WIN_LIMIT_EXCEEDED' });
    expect(model.execute(win('w2', '500', 'r1', { winMax: '500', roundPayoutMax: '800' })).outcome.ok).toBe(true);
    expect(model.execute(win('w3', '301', 'r1', { winMax: '500', roundPayoutMax: '800' })).outcome).toMatchObject({ code: 'WIN_LIMIT_EXCEEDED' });
    expect(model.execute(win('w4', '300', 'r1', { winMax: '500', roundPayoutMax: '800' })).outcome.ok).toBe(true);
    expect(balance(model)).toEqual({ cash: 1_000n - 100n + 800n, bonus: 0n });
  });

  it('rebuilds what a round paid from its stored transactions', () => {
    const row = { cashAmount: 0n, bonusAmount: 0n, referenceTransactionId: null, bonusGrantId: null, contribution: 0n };
    const round = replayRound([
      { ...row, kind: 'bet', transactionId: 'b1', amount: 100n },
      { ...row, kind: 'win', transactionId: 'w1', amount: 500n },
      { ...row, kind: 'win', transactionId: 'w2', amount: 300n },
    ]);
    expect(round.paid).toBe(800n);
  });
});

describe('contributions by category', () => {
  it('reads only the campaign’s own categories: "constructor", "__proto__" and "toString" count at the default', () => {
    const terms = campaign({ contributions: { slots: 100 }, defaultContribution: 20 });
    for (const category of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(contributionOf(terms, category, 1_000n)).toBe(200n);
    }
    expect(contributionOf(terms, 'slots', 1_000n)).toBe(1_000n);
  });

  it('lets a bonus be wagered on a game whose category is "constructor"', () => {
    const model = player(new Map(), '1000');
    expect(model.execute({ kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'small' }).outcome.ok).toBe(true);
    for (const gameId of ['odd', 'proto', 'text']) expect(model.execute(bet(`b-${gameId}`, '10', `r-${gameId}`, gameId)).outcome.ok).toBe(true);
  });
});

describe('a blocked player', () => {
  it('is granted no bonus and opts into none; nothing moves', () => {
    const model = player(new Map());
    expect(model.execute({ kind: 'block', playerId: 'p' }).outcome.ok).toBe(true);
    expect(model.execute({ kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'small' }).outcome).toMatchObject({ ok: false, code: 'PLAYER_BLOCKED' });
    expect(model.execute({ kind: 'opt_in', playerId: 'p', campaignId: 'match' }).outcome).toMatchObject({ ok: false, code: 'PLAYER_BLOCKED' });
    expect(balance(model)).toEqual({ cash: 1_000n, bonus: 0n });
    expect(model.player('p')?.bonuses).toHaveLength(0);
    expect(model.player('p')?.bonusOptIns).toHaveLength(0);
  });
});
