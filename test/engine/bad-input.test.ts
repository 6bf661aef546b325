// Goal: bad input gets a clear, stable code and moves nothing.
// Method: a funded player receives every kind of malformed or impossible command on each store;
// each must be refused with the expected code, and afterwards the balance, the transactions
// and the postings must be exactly as before.
import { roomyMoneyLimits } from '../support/roomy-limits.js';
import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../src/core/commands.js';
import { count, funded, mustAccept, storedBalance, useCroupier } from '../support/croupier-fixture.js';
import { storesUnderTest } from '../support/stores.js';

const bet = (overrides: Record<string, unknown>): CommandInput => ({
  kind: 'bet',
  source: 'prov',
  transactionId: 'bad-1',
  playerId: 'alice',
  roundId: 'r1',
  gameId: 'slot',
  amount: '100',
  currency: 'EUR',
  ...overrides,
});

const cases: [string, CommandInput, string][] = [
  ['negative amount', bet({ amount: '-5' }), 'VALIDATION_ERROR'],
  ['negative number amount', bet({ amount: -5 }), 'VALIDATION_ERROR'],
  ['zero bet', bet({ amount: '0' }), 'VALIDATION_ERROR'],
  ['fractional amount', bet({ amount: '10.5' }), 'VALIDATION_ERROR'],
  ['fractional number amount', bet({ amount: 10.5 }), 'VALIDATION_ERROR'],
  ['exponent amount', bet({ amount: '1e3' }), 'VALIDATION_ERROR'],
  ['leading zeros', bet({ amount: '0100' }), 'VALIDATION_ERROR'],
  ['empty amount', bet({ amount: '' }), 'VALIDATION_ERROR'],
  ['missing amount', bet({ amount: undefined }), 'VALIDATION_ERROR'],
  ['amount as object', bet({ amount: { value: 1 } }), 'VALIDATION_ERROR'],
  ['unsafe integer number', bet({ amount: 2 ** 60 }), 'VALIDATION_ERROR'],
  ['amount of 10^36', bet({ amount: (10n ** 36n).toString() }), 'VALIDATION_ERROR'],
  ['amount of 10^40', bet({ amount: (10n ** 40n).toString() }), 'VALIDATION_ERROR'],
  ['unknown currency', bet({ currency: 'XXX' }), 'VALIDATION_ERROR'],
  ['wrong currency', bet({ currency: 'USD' }), 'CURRENCY_MISMATCH'],
  ['unknown player', bet({ playerId: 'nobody' }), 'PLAYER_NOT_FOUND'],
  ['empty transaction id', bet({ transactionId: '' }), 'VALIDATION_ERROR'],
  ['transaction id of 129 characters', bet({ transactionId: 'x'.repeat(129) }), 'VALIDATION_ERROR'],
  ['transaction id with a space', bet({ transactionId: 'a b' }), 'VALIDATION_ERROR'],
  ['transaction id with a quote', bet({ transactionId: "a'b" }), 'VALIDATION_ERROR'],
  ['numeric transaction id', bet({ transactionId: 42 }), 'VALIDATION_ERROR'],
  ['player id with a slash', bet({ playerId: 'a/b' }), 'VALIDATION_ERROR'],
  ['round id missing', bet({ roundId: undefined }), 'VALIDATION_ERROR'],
  ['game id with unicode', bet({ gameId: 'slöt' }), 'VALIDATION_ERROR'],
  ['stake above the balance', bet({ amount: '100001' }), 'INSUFFICIENT_FUNDS'],
  ['withdrawal above the balance', { kind: 'withdrawal', source: 'operator', transactionId: 'w-1', playerId: 'alice', amount: '100001' }, 'INSUFFICIENT_FUNDS'],
  ['deposit in another currency', { kind: 'deposit', source: 'operator', transactionId: 'd-1', playerId: 'alice', amount: '5', currency: 'GBP' }, 'CURRENCY_MISMATCH'],
  ['zero deposit', { kind: 'deposit', source: 'operator', transactionId: 'd-2', playerId: 'alice', amount: '0' }, 'VALIDATION_ERROR'],
  ['win without a bet', { ...bet({}), kind: 'win', transactionId: 'win-1', roundId: 'no-such-round' }, 'ROUND_NOT_FOUND'],
  ['rollback of a deposit', { kind: 'rollback', source: 'operator', transactionId: 'rb-1', playerId: 'alice', roundId: 'r1', referenceTransactionId: 'fund-alice' }, 'BET_NOT_FOUND'],
  ['rollback with a bad policy', { kind: 'rollback', source: 'prov', transactionId: 'rb-2', playerId: 'alice', roundId: 'r1', referenceTransactionId: 'x', unknownBet: 'maybe' }, 'VALIDATION_ERROR'],
  ['register in an unknown currency', { kind: 'register', playerId: 'bob', currency: 'DOGE' }, 'VALIDATION_ERROR'],
  ['register an existing player in another currency', { kind: 'register', playerId: 'alice', currency: 'USD' }, 'PLAYER_EXISTS'],
  ['unknown command kind', { kind: 'transfer' } as unknown as CommandInput, 'VALIDATION_ERROR'],
];

for (const store of await storesUnderTest('bad input')) {
  describe(`bad input on ${store.name}`, () => {
    const croupier = useCroupier(store, { engine: { moneyLimits: roomyMoneyLimits } });

    it.each(cases)('%s is refused with its code and moves nothing', async (_name, input, code) => {
      if ((await storedBalance(croupier(), 'alice')) === undefined) await funded(croupier(), 'alice', 100_000);
      const before = await snapshot();
      const outcome = await croupier().execute(input);
      expect(outcome).toMatchObject({ ok: false, code });
      expect(outcome.ok ? '' : outcome.message).not.toBe('');
      expect(await snapshot()).toEqual(before);
    });

    it('carries amounts far beyond 64 bits exactly (10^30 and more minor units)', async () => {
      await funded(croupier(), 'whale', 0, 'ETH');
      const huge = 10n ** 35n + 7n;
      await mustAccept(croupier(), { kind: 'deposit', source: 'operator', transactionId: 'whale-d', playerId: 'whale', amount: huge.toString() });
      const outcome = await mustAccept(croupier(), { ...bet({}), playerId: 'whale', transactionId: 'whale-b', amount: (10n ** 30n).toString(), currency: 'ETH' });
      expect(outcome.balance.cash).toBe(huge - 10n ** 30n);
      expect(await storedBalance(croupier(), 'whale')).toEqual({ cash: (huge - 10n ** 30n).toString(), bonus: '0' });
      expect(await croupier().verifyLedger()).toEqual([]);
    });

    async function snapshot(): Promise<unknown> {
      return {
        alice: await storedBalance(croupier(), 'alice'),
        bob: await storedBalance(croupier(), 'bob'),
        transactions: await count(croupier(), 'SELECT 1 FROM transactions'),
        postings: await count(croupier(), 'SELECT 1 FROM postings'),
      };
    }
  });
}
