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

  it('a rollback reverses its bet exactly', () => {
    fc.assert(
      fc.property(sessions, (steps) => {
        const model = run(materialise(steps, ''), () => undefined);
        for (const rollback of model.entries.filter((entry) => entry.record.kind === 'rollback' && entry.postings.length > 0)) {
          const bet = model.entries.find((entry) => entry.record.kind === 'bet' && entry.record.transactionId === rollback.record.referenceTransactionId);
          expect(bet).toBeDefined();
          expect(json(rollback.postings)).toBe(json(bet?.postings.map((posting) => ({ ...posting, amount: -posting.amount }))));
          expect([rollback.cashAmount, rollback.bonusAmount]).toEqual([bet?.cashAmount, bet?.bonusAmount]);
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
        expect(model.execute(bet).outcome.ok).toBe(true);
        const rollback = { kind: 'rollback', source: 'prov', transactionId: 'law-rb', playerId: 'p0', roundId: 'law-round', referenceTransactionId: 'law-bet' } as const;
        expect(model.execute(rollback).outcome.ok).toBe(true);
        expect(json([wallet.cash, wallet.bonus])).toBe(before);
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
