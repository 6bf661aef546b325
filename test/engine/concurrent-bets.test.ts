// Goal: one wallet under a storm of concurrent bets never goes negative and loses nothing.
// Method: 1,000 bets of 1 fired at once at a wallet holding 500, on each store; exactly 500
// must be accepted, the other 500 refused with INSUFFICIENT_FUNDS, and the balance end at 0.
import { describe, expect, it } from 'vitest';
import { count, funded, storedBalance, useCroupier } from '../support/croupier-fixture.js';
import { storesUnderTest } from '../support/stores.js';

for (const store of await storesUnderTest('concurrent bets')) {
  describe(`1,000 concurrent bets on ${store.name}`, () => {
    const croupier = useCroupier(store);

    it('accepts exactly 500 bets of 1 on a wallet of 500 and ends at 0', async () => {
      await funded(croupier(), 'hot', 500);
      const outcomes = await Promise.all(
        Array.from({ length: 1000 }, (_, index) =>
          croupier().execute({ kind: 'bet', source: 'prov', transactionId: `b${index}`, playerId: 'hot', roundId: `r${index}`, gameId: 'slot', amount: '1', currency: 'EUR' }),
        ),
      );
      const accepted = outcomes.filter((outcome) => outcome.ok);
      const refusedCodes = new Set(outcomes.filter((outcome) => !outcome.ok).map((outcome) => (outcome.ok ? '' : outcome.code)));
      expect(accepted).toHaveLength(500);
      expect([...refusedCodes]).toEqual(['INSUFFICIENT_FUNDS']);
      expect(await storedBalance(croupier(), 'hot')).toEqual({ cash: '0', bonus: '0' });
      expect(await count(croupier(), `SELECT 1 FROM transactions WHERE player_id = 'hot' AND kind = 'bet'`)).toBe(500);
      expect(await count(croupier(), `SELECT 1 FROM refusals WHERE player_id = 'hot' AND code = 'INSUFFICIENT_FUNDS'`)).toBe(500);
      expect(await croupier().verifyLedger()).toEqual([]);
    });
  });
}
