// Goal: the bonus engine inside the real engine and store: ordering against conversion, the
// outbox written with the batch, expiry by the sweeper with a controllable clock, restart.
// Method: croupiers on each store with a hand-moved clock; campaigns saved through the catalogue.
import { describe, expect, it } from 'vitest';
import { campaign, testNow } from '../support/catalogue.js';
import { count, mustAccept } from '../support/croupier-fixture.js';
import { storesUnderTest } from '../support/stores.js';
import { createTestCroupier, type TestCroupier } from '../support/test-croupier.js';

const day = 86_400_000;
const quick = campaign({ campaignId: 'quick', fixedAmount: 10_000n, wageringMultiplier: 1, fundsOrder: 'cash_first', validityMs: 7 * day });

async function funded(croupier: TestCroupier, playerId: string): Promise<void> {
  await mustAccept(croupier, { kind: 'register', playerId, currency: 'EUR' });
  await mustAccept(croupier, { kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: '100000' });
}

const bet = (playerId: string, transactionId: string, amount: string) => ({
  kind: 'bet' as const, source: 'prov', transactionId, playerId, roundId: `r-${transactionId}`, gameId: 'slot', amount, currency: 'EUR',
});

for (const store of await storesUnderTest('bonus engine')) {
  describe(`bonus engine on ${store.name}`, () => {
    it('orders a bet behind the one that converts the bonus: it sees the converted cash and no max bet', async () => {
      const fresh = store.fresh();
      const clock = { now: testNow };
      const croupier = await createTestCroupier({ ...fresh.options, now: () => new Date(clock.now), expirySweepMs: 0 });
      try {
        await croupier.catalogue.saveCampaign({ ...quick, maxBet: 9_000n });
        await croupier.catalogue.saveGames([{ gameId: 'slot', providerId: null, category: 'slots', name: null }]);
        await funded(croupier, 'p');
        await mustAccept(croupier, { kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'quick' });
        await mustAccept(croupier, bet('p', 'b0', '2000'));
        // Sent together: b1 completes the 10000 of wagering; b2 (above the 9000 max bet) comes after it in the partition.
        const [first, second] = await Promise.all([croupier.execute(bet('p', 'b1', '8000')), croupier.execute(bet('p', 'b2', '9500'))]);
        expect(first).toMatchObject({ ok: true, activeBonus: null });
        expect(second).toMatchObject({ ok: true, balance: { cash: 100_000n - 2_000n - 8_000n + 10_000n - 9_500n, bonus: 0n } });
        const events = await croupier.sql.query<{ type: string }>(`SELECT type FROM outbox WHERE player_id = 'p' ORDER BY event_id`);
        expect(events.map((event) => event.type)).toEqual(['bonus.granted', 'bonus.activated', 'wagering.progressed', 'wagering.progressed', 'bonus.converted']);
        const conversion = await croupier.sql.query<{ ledger_id: string }>(`SELECT ledger_id::text FROM transactions WHERE kind = 'bonus_conversion'`);
        expect(conversion).toHaveLength(1);
        expect(await croupier.verifyLedger()).toEqual([]);
      } finally {
        await croupier.close();
        await fresh.cleanup();
      }
    });

    it('expires bonuses with the sweeper when the clock passes their validity, and survives a restart', async () => {
      const fresh = store.fresh(true);
      const clock = { now: testNow };
      const options = { ...fresh.options, now: () => new Date(clock.now), expirySweepMs: 0 };
      const first = await createTestCroupier(options);
      await first.catalogue.saveCampaign(campaign({ ...quick, wageringMultiplier: 30 }));
      await funded(first, 'p');
      await mustAccept(first, { kind: 'grant_bonus', playerId: 'p', grantId: 'g1', campaignId: 'quick' });
      await mustAccept(first, { kind: 'grant_bonus', playerId: 'p', grantId: 'g2', campaignId: 'quick' });
      await first.close();

      const second = await createTestCroupier(options);
      try {
        expect(await second.sweepExpiredBonuses()).toBe(0);
        clock.now = testNow + 7 * day;
        expect(await second.sweepExpiredBonuses()).toBe(1);
        const states = await second.sql.query<{ grant_id: string; state: string; forfeited_amount: string }>(
          `SELECT grant_id, state, forfeited_amount::text FROM bonus_grants ORDER BY grant_id`,
        );
        expect(states).toEqual([
          { grant_id: 'g1', state: 'expired', forfeited_amount: '10000' },
          { grant_id: 'g2', state: 'active', forfeited_amount: '0' },
        ]);
        expect(await count(second, `SELECT 1 FROM outbox WHERE type = 'bonus.expired'`)).toBe(1);
        expect(await second.execute({ kind: 'balance', playerId: 'p' })).toMatchObject({ balance: { cash: 100_000n, bonus: 10_000n }, activeBonus: { grantId: 'g2' } });
        expect(await second.verifyLedger()).toEqual([]);
      } finally {
        await second.close();
        await fresh.cleanup();
      }
    });
  });
}
