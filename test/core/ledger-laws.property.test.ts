// Goal: state the ledger's laws over random wallet sessions on the pure core.
// Method: fast-check generates sessions of bets, wins, rollbacks, deposits, withdrawals, bonus
// grants, replays and altered replays for three players; each command runs through the pure
// wallet machine and every law is checked after every step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../src/core/commands.js';
import type { Posting } from '../../src/core/ledger.js';
import { Model, json } from '../support/model.js';
import { materialise, registrations, sessions } from '../support/sequences.js';

function balances(model: Model): string {
  return json([...model.players.values()].map(({ wallet }) => [wallet.playerId, wallet.cash, wallet.bonus, wallet.status]));
}

function sortedLegs(postings: readonly Posting[]): string {
  return json([...postings].map((posting) => `${posting.account}:${posting.playerId}:${posting.amount}`).sort());
}

function sum(postings: readonly Posting[]): bigint {
  return postings.reduce((total, posting) => total + posting.amount, 0n);
}

function run(commands: readonly CommandInput[], check: (model: Model, command: CommandInput, step: ReturnType<Model['execute']>) => void): Model {
  const model = new Model();
  for (const command of registrations('')) model.execute(command);
  for (const command of commands) check(model, command, model.execute(command));
  return model;
}

describe('ledger laws on the pure core', () => {
  it('every transaction posts legs that sum to zero, and no balance goes below zero', () => {
    fc.assert(
      fc.property(sessions, (steps) => {
        run(materialise(steps, ''), (model, _command, { entries }) => {
          for (const entry of entries) expect(sum(entry.postings)).toBe(0n);
          for (const { wallet } of model.players.values()) {
            expect(wallet.cash >= 0n).toBe(true);
            expect(wallet.bonus >= 0n).toBe(true);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a replayed accepted command changes nothing and answers duplicate', () => {
    fc.assert(
      fc.property(sessions, (steps) => {
        run(materialise(steps, ''), (model, command, { outcome, entries }) => {
          if (!outcome.ok || entries.length === 0 || command.kind === 'rollback') return;
          const before = balances(model);
          const again = model.execute(command);
          expect(again.entries).toHaveLength(0);
          expect(again.outcome).toMatchObject({ ok: true, duplicate: true });
          expect(balances(model)).toBe(before);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a rollback returns its stake to the pools it came from', () => {
    fc.assert(
      fc.property(sessions, (steps) => {
        const model = run(materialise(steps, ''), () => undefined);
        for (const rollback of model.entries.filter((entry) => entry.record.kind === 'rollback' && entry.postings.length > 0)) {
          const bet = model.entries.find((entry) => entry.record.kind === 'bet' && entry.record.transactionId === rollback.record.referenceTransactionId);
          if (bet === undefined) return expect.unreachable('a reversed bet exists');
          const returned = [rollback.cashAmount, rollback.bonusAmount];
          // The bonus part goes back to the bonus while it is active, to cash once it has
          // converted, and stays with the house once it has ended otherwise.
          const allowed = [
            [bet.cashAmount, bet.bonusAmount],
            [bet.cashAmount + bet.bonusAmount, 0n],
            [bet.cashAmount, 0n],
          ];
          expect(allowed.map((pair) => json(pair))).toContain(json(returned));
          if (rollback.bonusAmount === bet.bonusAmount) {
            expect(sortedLegs(rollback.postings)).toBe(sortedLegs(bet.postings.map((posting) => ({ ...posting, amount: -posting.amount }))));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rolling back a bet right after it restores the balance exactly', () => {
    fc.assert(
      fc.property(sessions, fc.integer({ min: 1, max: 300 }), (steps, stake) => {
        const model = run(materialise(steps, ''), () => undefined);
        const { wallet } = model.player('p0') ?? expect.unreachable();
        if (wallet.status === 'blocked' || wallet.cash + wallet.bonus < BigInt(stake)) return;
        const before = json([wallet.cash, wallet.bonus]);
        const bet = { kind: 'bet', source: 'prov', transactionId: 'law-bet', playerId: 'p0', roundId: 'law-round', gameId: 'slot', amount: stake, currency: 'EUR' } as const;
        const placed = model.execute(bet);
        if (!placed.outcome.ok) return expect(placed.outcome.code).toBe('MAX_BET_EXCEEDED');
        // A bet that ends a bonus (completes its wagering) is not undone by its rollback: states move forward only.
        if (placed.events.some((event) => event.type.startsWith('bonus.'))) return;
        const rollback = { kind: 'rollback', source: 'prov', transactionId: 'law-rb', playerId: 'p0', roundId: 'law-round', referenceTransactionId: 'law-bet' } as const;
        expect(model.execute(rollback).outcome.ok).toBe(true);
        expect(json([wallet.cash, wallet.bonus])).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it("a bonus's progress equals the contributions of its standing bets", () => {
    fc.assert(
      fc.property(sessions, (steps) => {
        run(materialise(steps, ''), (model) => {
          for (const player of model.players.values()) {
            for (const grant of player.bonuses.filter((item) => item.state === 'active')) {
              let contributions = 0n;
              for (const round of player.rounds.values()) {
                for (const stake of round.bets) if (stake.bonusGrantId === grant.grantId && !stake.rolledBack) contributions += stake.contribution;
              }
              expect(grant.progress).toBe(contributions);
              expect(grant.progress < grant.required).toBe(true);
            }
            expect(player.bonuses.filter((item) => item.state === 'active').length).toBeLessThanOrEqual(1);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('each balance equals the sum of its postings', () => {
    fc.assert(
      fc.property(sessions, (steps) => {
        const model = run(materialise(steps, ''), () => undefined);
        for (const { wallet } of model.players.values()) {
          expect(wallet.cash).toBe(model.postedTo(wallet.playerId, 'cash'));
          expect(wallet.bonus).toBe(model.postedTo(wallet.playerId, 'bonus'));
        }
      }),
      { numRuns: 300 },
    );
  });
});
