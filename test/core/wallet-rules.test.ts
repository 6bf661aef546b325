// Goal: each wallet rule of docs/architecture.md §3, with exact numbers, on the pure machine.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CommandInput } from '../../src/core/commands.js';
import { splitStake } from '../../src/core/wallet/bet.js';
import { Model, json } from '../support/model.js';
import { TestCatalogue, campaign } from '../support/catalogue.js';

// A bonus of 300 that will not convert in these tests (30x wagering, slots count 100%).
const catalogue = new TestCatalogue(
  [campaign({ campaignId: 'rules', fixedAmount: 300n }), campaign({ campaignId: 'rules-cash-first', fixedAmount: 300n, fundsOrder: 'cash_first' })],
  { slot: 'slots' },
);

let model: Model;
const run = (input: CommandInput) => model.execute(input);
const balanceOf = (playerId = 'p') => {
  const wallet = model.player(playerId)?.wallet;
  return { cash: wallet?.cash, bonus: wallet?.bonus };
};
const bet = (transactionId: string, amount: string, roundId = `round-${transactionId}`): CommandInput => ({
  kind: 'bet', source: 'prov', transactionId, playerId: 'p', roundId, gameId: 'slot', amount, currency: 'EUR',
});
const win = (transactionId: string, amount: string, roundId: string): CommandInput => ({
  kind: 'win', source: 'prov', transactionId, playerId: 'p', roundId, gameId: 'slot', amount, currency: 'EUR',
});
const rollback = (transactionId: string, reference: string, roundId: string, unknownBet: 'ok' | 'error' = 'ok'): CommandInput => ({
  kind: 'rollback', source: 'prov', transactionId, playerId: 'p', roundId, referenceTransactionId: reference, unknownBet,
});

beforeEach(() => {
  model = new Model('bonus_first', catalogue);
  run({ kind: 'register', playerId: 'p', currency: 'EUR' });
  run({ kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '1000' });
  run({ kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'rules' });
});

describe('funds order', () => {
  it('bonus_first takes bonus before cash; cash_first the other way round', () => {
    expect(splitStake(500n, 1000n, 300n, 'bonus_first')).toEqual({ fromCash: 200n, fromBonus: 300n });
    expect(splitStake(500n, 1000n, 300n, 'cash_first')).toEqual({ fromCash: 500n, fromBonus: 0n });
    expect(splitStake(1200n, 1000n, 300n, 'cash_first')).toEqual({ fromCash: 1000n, fromBonus: 200n });
  });

  it('records on the bet how much came from cash and how much from bonus', () => {
    const { entries } = run(bet('b1', '500'));
    expect(entries[0]).toMatchObject({ cashAmount: 200n, bonusAmount: 300n });
    expect(balanceOf()).toEqual({ cash: 800n, bonus: 0n });
  });

  it('uses cash_first when the bonus campaign says so', () => {
    model = new Model('bonus_first', catalogue);
    run({ kind: 'register', playerId: 'p', currency: 'EUR' });
    run({ kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '1000' });
    run({ kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'rules-cash-first' });
    expect(run(bet('b1', '500')).entries[0]).toMatchObject({ cashAmount: 500n, bonusAmount: 0n });
  });
});

describe('bets', () => {
  it('refuses a stake above cash + bonus with INSUFFICIENT_FUNDS and moves nothing', () => {
    expect(run(bet('b1', '1301')).outcome).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });
    expect(balanceOf()).toEqual({ cash: 1000n, bonus: 300n });
    expect(run(bet('b2', '1300')).outcome).toMatchObject({ ok: true, balance: { cash: 0n, bonus: 0n } });
  });

  it('refuses bets of a blocked player but takes wins and rollbacks', () => {
    run(bet('b1', '100', 'r1'));
    run(bet('b2', '100', 'r2'));
    run({ kind: 'block', playerId: 'p' });
    expect(run(bet('b3', '100')).outcome).toMatchObject({ ok: false, code: 'PLAYER_BLOCKED' });
    expect(run(win('w1', '50', 'r1')).outcome).toMatchObject({ ok: true });
    expect(run(rollback('rb1', 'b2', 'r2')).outcome).toMatchObject({ ok: true });
    expect(run({ kind: 'deposit', source: 'operator', transactionId: 'd2', playerId: 'p', amount: '5' }).outcome).toMatchObject({ code: 'PLAYER_BLOCKED' });
    expect(run({ kind: 'withdrawal', source: 'operator', transactionId: 'w2', playerId: 'p', amount: '5' }).outcome).toMatchObject({ ok: true });
    run({ kind: 'unblock', playerId: 'p' });
    expect(run(bet('b3', '100')).outcome).toMatchObject({ ok: true });
  });
});

describe('idempotency', () => {
  it('answers a replay with the original outcome, duplicate: true and the current balance', () => {
    run(bet('b1', '100', 'r1'));
    run(bet('b2', '50', 'r2'));
    const again = run(bet('b1', '100', 'r1'));
    expect(again.entries).toEqual([]);
    expect(json({ ...again.outcome, activeBonus: undefined })).toBe(json({ ok: true, playerId: 'p', currency: 'EUR', transactionId: 'b1', duplicate: true, balance: { cash: 1000n, bonus: 150n }, status: 'active' }));
  });

  it('answers DUPLICATE_TRANSACTION when an id comes back with other parameters', () => {
    run(bet('b1', '100', 'r1'));
    expect(run(bet('b1', '101', 'r1')).outcome).toMatchObject({ code: 'DUPLICATE_TRANSACTION' });
    expect(run(bet('b1', '100', 'r9')).outcome).toMatchObject({ code: 'DUPLICATE_TRANSACTION' });
    expect(run(win('b1', '100', 'r1')).outcome).toMatchObject({ code: 'DUPLICATE_TRANSACTION' });
  });

  it('keeps ids apart per source', () => {
    run(bet('same', '100', 'r1'));
    const other = run({ ...bet('same', '100', 'r1'), source: 'other-provider' });
    expect(other.outcome).toMatchObject({ ok: true, duplicate: false });
  });

  it('lets a refused id be retried (a refusal records nothing under the id)', () => {
    expect(run(bet('b1', '5000')).outcome).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    run({ kind: 'deposit', source: 'operator', transactionId: 'd2', playerId: 'p', amount: '5000' });
    expect(run(bet('b1', '5000')).outcome).toMatchObject({ ok: true, duplicate: false });
  });
});

describe('wins', () => {
  it('needs a bet from the player in the round: ROUND_NOT_FOUND otherwise', () => {
    expect(run(win('w1', '10', 'r1')).outcome).toMatchObject({ code: 'ROUND_NOT_FOUND' });
  });

  it('accepts a win of 0 and several wins in one round', () => {
    run(bet('b1', '100', 'r1'));
    expect(run(win('w1', '0', 'r1')).outcome).toMatchObject({ ok: true });
    expect(run(win('w2', '40', 'r1')).outcome).toMatchObject({ ok: true });
  });

  it('pays the share staked from bonus back to bonus, the rest to cash', () => {
    run(bet('b1', '400', 'r1')); // 300 from bonus, 100 from cash
    const paid = run(win('w1', '1000', 'r1'));
    expect(paid.entries[0]).toMatchObject({ cashAmount: 250n, bonusAmount: 750n });
    expect(balanceOf()).toEqual({ cash: 1150n, bonus: 750n });
  });

  it('refuses a win on a round whose bets were all rolled back: TRANSACTION_ROLLED_BACK', () => {
    run(bet('b1', '100', 'r1'));
    run(rollback('rb1', 'b1', 'r1'));
    expect(run(win('w1', '10', 'r1')).outcome).toMatchObject({ code: 'TRANSACTION_ROLLED_BACK' });
  });
});

describe('rollbacks', () => {
  it('returns the stake to the pools it came from', () => {
    run(bet('b1', '400', 'r1'));
    expect(balanceOf()).toEqual({ cash: 900n, bonus: 0n });
    const reversed = run(rollback('rb1', 'b1', 'r1'));
    expect(reversed.entries[0]).toMatchObject({ cashAmount: 100n, bonusAmount: 300n });
    expect(balanceOf()).toEqual({ cash: 1000n, bonus: 300n });
  });

  it('refuses to roll back a bet whose round is paid: ALREADY_SETTLED', () => {
    run(bet('b1', '100', 'r1'));
    run(win('w1', '0', 'r1'));
    expect(run(rollback('rb1', 'b1', 'r1')).outcome).toMatchObject({ code: 'ALREADY_SETTLED' });
  });

  it('does not reverse a bet twice when a second rollback id arrives', () => {
    run(bet('b1', '100', 'r1'));
    run(rollback('rb1', 'b1', 'r1'));
    const second = run(rollback('rb2', 'b1', 'r1'));
    expect(second.outcome).toMatchObject({ ok: true });
    expect(second.entries[0]?.postings).toEqual([]);
    expect(balanceOf()).toEqual({ cash: 1000n, bonus: 300n });
  });

  it('tombstones an unknown bet: success by default, and the late bet is refused', () => {
    const answer = run(rollback('rb1', 'late', 'r1'));
    expect(answer.outcome).toMatchObject({ ok: true });
    expect(answer.entries.map((entry) => entry.record.kind)).toEqual(['tombstone', 'rollback']);
    expect(run(bet('late', '100', 'r1')).outcome).toMatchObject({ code: 'TRANSACTION_ROLLED_BACK' });
    expect(run(win('w1', '10', 'r1')).outcome).toMatchObject({ code: 'TRANSACTION_ROLLED_BACK' });
    expect(balanceOf()).toEqual({ cash: 1000n, bonus: 300n });
  });

  it('answers BET_NOT_FOUND for an unknown bet when the provider wants errors, and still tombstones it', () => {
    expect(run(rollback('rb1', 'late', 'r1', 'error')).outcome).toMatchObject({ code: 'BET_NOT_FOUND' });
    expect(run(bet('late', '100', 'r1')).outcome).toMatchObject({ code: 'TRANSACTION_ROLLED_BACK' });
  });

  it('refuses a reference that is not a bet of this player in this round', () => {
    run(bet('b1', '100', 'r1'));
    expect(run(rollback('rb1', 'b1', 'other-round')).outcome).toMatchObject({ code: 'BET_NOT_FOUND' });
    run(bet('b2', '100', 'r2'));
    run(win('w2', '0', 'r2'));
    expect(run(rollback('rb2', 'w2', 'r2')).outcome).toMatchObject({ code: 'BET_NOT_FOUND' });
  });
});
