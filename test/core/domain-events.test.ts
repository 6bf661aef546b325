// Goal: every committed change the pure machine makes is told by a typed DomainEvent: a
// transaction event per ledger entry (same entry, same order, with the balance after it), a
// refusal event per refused money command, and the bonus events; unknown events do not compile.
// Method: exact cases on the pure machine, then a fast-check property over random sessions that
// replays each player's postings and compares them with every transaction event's balance after.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainEvent, TransactionEvent } from '../../src/core/events.js';
import { Model } from '../support/model.js';
import { TestCatalogue, campaign } from '../support/catalogue.js';
import { materialise, registrations, sessions } from '../support/sequences.js';

const catalogue = new TestCatalogue([campaign({ campaignId: 'quick', fixedAmount: 1_000n, wageringMultiplier: 1, fundsOrder: 'cash_first' })], { slot: 'slots' });
const bet = (transactionId: string, amount: string) =>
  ({ kind: 'bet', source: 'prov', transactionId, playerId: 'p', roundId: `r-${transactionId}`, gameId: 'slot', amount, currency: 'EUR' }) as const;

function newEvents(model: Model, run: () => void): DomainEvent[] {
  const before = model.domainEvents.length;
  run();
  return model.domainEvents.slice(before);
}

describe('domain events on the pure machine', () => {
  it('tells a bet, its wagering and the conversion it causes, each transaction with its balance after', () => {
    const model = new Model('bonus_first', catalogue);
    model.execute({ kind: 'register', playerId: 'p', currency: 'EUR' });
    model.execute({ kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '5000' });
    model.execute({ kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'quick' });
    const events = newEvents(model, () => model.execute(bet('b1', '1500')));
    expect(events.map((event) => event.type)).toEqual(['transaction.bet', 'wagering.progressed', 'transaction.bonus_conversion', 'bonus.converted']);
    const [placed, progressed, conversion] = events as [TransactionEvent, DomainEvent, TransactionEvent];
    // cash_first: the stake comes from cash; the 1500 wagered meets the 1000 required and the bonus converts.
    expect(placed).toMatchObject({ playerId: 'p', entry: { cashAmount: 1_500n, bonusAmount: 0n }, balanceAfter: { cash: 3_500n, bonus: 1_000n } });
    expect(progressed).toMatchObject({ grantId: 'g1', progress: 1_500n, required: 1_000n });
    expect(conversion).toMatchObject({ entry: { cashAmount: 1_000n, bonusAmount: 1_000n }, balanceAfter: { cash: 4_500n, bonus: 0n } });
  });

  it('tells a refused money command with its code, and moves nothing', () => {
    const model = new Model('bonus_first', catalogue);
    model.execute({ kind: 'register', playerId: 'p', currency: 'EUR' });
    const events = newEvents(model, () => model.execute(bet('b1', '100')));
    expect(events).toEqual([{ type: 'transaction.refused', playerId: 'p', source: 'prov', transactionId: 'b1', kind: 'bet', code: 'INSUFFICIENT_FUNDS' }]);
  });

  it('refuses an unknown event type at compile time', () => {
    // @ts-expect-error 'bonus.exploded' is not a DomainEvent type: `npm run typecheck` fails if this compiles.
    const unknown: DomainEvent = { type: 'bonus.exploded', playerId: 'p', grantId: 'g' };
    expect(unknown.type).toBe('bonus.exploded');
  });

  it('makes one transaction event per entry, in order, whose balance after is the sum of the postings so far', () => {
    fc.assert(
      fc.property(sessions, (steps) => {
        const model = new Model();
        for (const command of registrations('')) model.execute(command);
        const running = new Map([...model.players.values()].map(({ wallet }) => [wallet.playerId, { cash: wallet.cash, bonus: wallet.bonus }]));
        for (const command of materialise(steps, '')) {
          const before = model.domainEvents.length;
          const step = model.execute(command);
          const events = model.domainEvents.slice(before);
          const transactions = events.filter((event): event is TransactionEvent => event.type.startsWith('transaction.') && event.type !== 'transaction.refused');
          expect(transactions.map((event) => event.entry)).toEqual(step.entries);
          for (const event of transactions) {
            expect(event.type).toBe(`transaction.${event.entry.record.kind}`);
            const balance = running.get(event.playerId) ?? { cash: 0n, bonus: 0n };
            for (const posting of event.entry.postings) {
              if (posting.account === 'cash') balance.cash += posting.amount;
              if (posting.account === 'bonus') balance.bonus += posting.amount;
            }
            running.set(event.playerId, balance);
            expect(event.balanceAfter).toEqual(balance);
          }
          const refusals = events.filter((event) => event.type === 'transaction.refused');
          const refusedMoney = !step.outcome.ok && 'transactionId' in command;
          expect(refusals).toHaveLength(refusedMoney ? 1 : 0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
