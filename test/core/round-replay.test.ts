import { describe, expect, it } from 'vitest';
import { replayRound, roundWagering, type RoundTransaction } from '../../src/core/history.js';
import { addBet, betOf, emptyRound, tombstoneStake } from '../../src/core/player.js';

function bet(transactionId: string, fromBonus: bigint, bonusGrantId: string | null = 'g1', fromCash = 0n): RoundTransaction {
  return { kind: 'bet', transactionId, amount: fromBonus + fromCash, cashAmount: fromCash, bonusAmount: fromBonus, referenceTransactionId: null, bonusGrantId, contribution: fromBonus + fromCash };
}

function rollback(transactionId: string, of: string): RoundTransaction {
  return { kind: 'rollback', transactionId, amount: 0n, cashAmount: 0n, bonusAmount: 0n, referenceTransactionId: of, bonusGrantId: null, contribution: 0n };
}

function win(transactionId: string): RoundTransaction {
  return { kind: 'win', transactionId, amount: 0n, cashAmount: 0n, bonusAmount: 0n, referenceTransactionId: null, bonusGrantId: null, contribution: 0n };
}

describe('a round replayed from the store', () => {
  it('rebuilds stakes, rollbacks and settlement', () => {
    const round = replayRound([bet('b1', 5n), bet('b2', 0n, null, 3n), rollback('r1', 'b1'), win('w1')]);
    expect(round.settled).toBe(true);
    expect(betOf(round, 'b1')).toMatchObject({ fromBonus: 5n, rolledBack: true });
    expect(betOf(round, 'b2')).toMatchObject({ fromCash: 3n, rolledBack: false });
  });
});

describe("a round's stakes", () => {
  it('keep their arrival order and are found by transaction id', () => {
    const round = emptyRound(true);
    for (const id of ['b2', 'b1', 'b3']) addBet(round, tombstoneStake(id));
    expect(round.bets.map((stake) => stake.transactionId)).toEqual(['b2', 'b1', 'b3']);
    expect(betOf(round, 'b1')).toBe(round.bets[1]);
    expect(betOf(round, 'b4')).toBeUndefined();
  });

  it('replay marks the right bet of thousands rolled back, each found by id (an index, not a scan of the round)', () => {
    const stakes = Array.from({ length: 20_000 }, (_, index) => bet(`b${index}`, 0n, null, 1n));
    const rollbacks = Array.from({ length: 10_000 }, (_, index) => rollback(`r${index}`, `b${2 * index + 1}`));
    const round = replayRound([...stakes, ...rollbacks]);
    expect(round.bets).toHaveLength(20_000);
    expect(round.bets.every((stake, index) => stake.rolledBack === (index % 2 === 1))).toBe(true);
  });
});

function roundOpenForGrant(transactions: readonly RoundTransaction[], grantId: string): boolean {
  return roundWagering(transactions, grantId).open;
}

describe('whether a round keeps a grant open (the wallet machine’s open rounds, rebuilt)', () => {
  it('opens with a stake partly from the grant’s bonus and closes with a win', () => {
    expect(roundOpenForGrant([bet('b1', 5n)], 'g1')).toBe(true);
    expect(roundOpenForGrant([bet('b1', 5n), win('w1')], 'g1')).toBe(false);
  });

  it('does not open with a cash-only stake or another grant’s stake', () => {
    expect(roundOpenForGrant([bet('b1', 0n, 'g1', 5n)], 'g1')).toBe(false);
    expect(roundOpenForGrant([bet('b1', 5n, 'g0')], 'g1')).toBe(false);
  });

  it('stays open after a rollback while another bonus-funded stake of the grant stands', () => {
    expect(roundOpenForGrant([bet('b1', 5n), bet('b2', 2n), rollback('r1', 'b1')], 'g1')).toBe(true);
    expect(roundOpenForGrant([bet('b1', 5n), bet('b2', 2n), rollback('r1', 'b1'), rollback('r2', 'b2')], 'g1')).toBe(false);
  });

  it('stays open when the grant’s cash-only stake is rolled back beside a standing funded one', () => {
    expect(roundOpenForGrant([bet('b1', 5n), bet('b2', 0n, 'g1', 4n), rollback('r2', 'b2')], 'g1')).toBe(true);
  });

  it('ignores a second rollback of a reversed stake and a rollback of an unknown one', () => {
    expect(roundOpenForGrant([bet('b1', 5n), bet('b2', 1n), rollback('r1', 'b1'), rollback('r2', 'b1'), rollback('r3', 'zz')], 'g1')).toBe(true);
  });

  it('opens again with a bonus-funded bet after a win (a later bet in a paid round)', () => {
    expect(roundOpenForGrant([bet('b1', 5n), win('w1'), bet('b2', 1n)], 'g1')).toBe(true);
  });
});

describe('what a round adds to a grant’s wagering (its progress, rebuilt)', () => {
  it('sums the contributions of the grant’s standing bets, cash-funded ones included', () => {
    expect(roundWagering([bet('b1', 5n), bet('b2', 0n, 'g1', 4n), bet('b3', 7n, 'g0')], 'g1').contribution).toBe(9n);
  });

  it('drops a rolled-back bet once, whatever the number of rollback ids', () => {
    expect(roundWagering([bet('b1', 5n), bet('b2', 3n), rollback('r1', 'b1'), rollback('r2', 'b1')], 'g1').contribution).toBe(3n);
  });

  it('keeps the contributions of a round settled by a win', () => {
    expect(roundWagering([bet('b1', 5n), win('w1')], 'g1')).toEqual({ open: false, contribution: 5n });
  });
});
