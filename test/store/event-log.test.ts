// Goal: the store gives back every event a subscriber was told of, by partition and sequence
// (docs/architecture.md §7): transactions with their legs and balance after, bonus events from
// the outbox, refusals with their number — the same values, in the same order, page by page,
// and one player's alone. Coalesced wagering.progressed events are the only numbers missing.
// Method: the engine on a store of each kind with a recording subscriber; a mixed workload
// (deposits, bonus grant, bets, wins, rollbacks, refusals); then the event log read in pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/core/events.js';
import type { CommittedBatch, SequencedEvent } from '../../src/engine/committed-batch.js';
import { EventLogStore } from '../../src/store/event-log-store.js';
import { campaign, TestCatalogue } from '../support/catalogue.js';
import { createTestCroupier, type TestCroupier } from '../support/test-croupier.js';
import { storesUnderTest } from '../support/stores.js';

const catalogue = new TestCatalogue([campaign({ campaignId: 'welcome', fixedAmount: 300n, wageringMultiplier: 2 })], { slot: 'slots' });

/** Postings are a set: the store keeps them as the row's legs, in its own order. */
function comparable({ sequence, event }: SequencedEvent): unknown {
  if (!('entry' in event)) return { sequence, event };
  const postings = [...event.entry.postings].map((posting) => `${posting.account}:${posting.playerId}:${posting.amount}`).sort();
  return { sequence, event: { ...event, entry: { ...event.entry, postings } } };
}

for (const store of await storesUnderTest('event log')) {
  describe(`event log on ${store.name}`, () => {
    let croupier: TestCroupier;
    let cleanup: () => Promise<void>;
    const batches: CommittedBatch[] = [];

    beforeAll(async () => {
      const fresh = store.fresh();
      cleanup = fresh.cleanup;
      croupier = await createTestCroupier({ ...fresh.options, engine: { partitionCount: 2 }, expirySweepMs: 0, subscribers: [{ name: 'recorder', committed: (batch) => void batches.push(batch) }] });
      await croupier.catalogue.saveCampaign(catalogue.campaign('welcome')!);
      await croupier.catalogue.saveGames([{ gameId: 'slot', providerId: null, category: 'slots', name: null }]);
      for (const playerId of ['a', 'b', 'c']) {
        await croupier.execute({ kind: 'register', playerId, currency: 'EUR' });
        await croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: '1000' });
      }
      await croupier.execute({ kind: 'grant_bonus', playerId: 'a', grantId: 'g', campaignId: 'welcome' });
      for (let round = 0; round < 6; round += 1) {
        for (const playerId of ['a', 'b', 'c']) {
          const move = { source: 'prov', playerId, roundId: `r${round}`, gameId: 'slot', currency: 'EUR' };
          await croupier.execute({ kind: 'bet', ...move, transactionId: `b-${playerId}-${round}`, amount: '100' });
          if (round % 3 === 1) await croupier.execute({ kind: 'rollback', source: 'prov', playerId, roundId: `r${round}`, transactionId: `x-${playerId}-${round}`, referenceTransactionId: `b-${playerId}-${round}` });
          else await croupier.execute({ kind: 'win', ...move, transactionId: `w-${playerId}-${round}`, amount: String(round * 40) });
        }
      }
      await croupier.execute({ kind: 'withdrawal', source: 'operator', transactionId: 'too-much', playerId: 'b', amount: '99999' });
      await croupier.execute({ kind: 'rollback', source: 'prov', playerId: 'c', roundId: 'never', transactionId: 'x-never', referenceTransactionId: 'b-never' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    afterAll(async () => {
      await croupier?.close();
      await cleanup?.();
    });

    it('reads back, page by page, every event the subscriber was told of', async () => {
      const log = new EventLogStore(croupier.sql);
      for (const partition of [0, 1]) {
        const told = batches.filter((batch) => batch.partition === partition).flatMap((batch) => batch.events);
        const read: SequencedEvent[] = [];
        for (let after = -1n; ; ) {
          const page = await log.read({ partition, afterSequence: after, limit: 7 });
          if (page.length === 0) break;
          read.push(...page);
          after = page.at(-1)!.sequence;
        }
        expect(read.map(comparable)).toEqual(told.map(comparable));
      }
      const types = new Set(batches.flatMap((batch) => batch.events.map((item) => item.event.type)));
      for (const type of ['transaction.deposit', 'transaction.bet', 'transaction.win', 'transaction.rollback', 'transaction.tombstone', 'transaction.bonus_credit', 'transaction.refused', 'bonus.granted', 'wagering.progressed'] satisfies DomainEvent['type'][]) {
        expect(types.has(type), type).toBe(true);
      }
    });

    it("reads one player's events alone", async () => {
      const log = new EventLogStore(croupier.sql);
      const ofB = batches.flatMap((batch) => batch.events.filter((item) => item.event.playerId === 'b').map((item) => ({ partition: batch.partition, item })));
      const partition = ofB[0]!.partition;
      const read = await log.read({ partition, afterSequence: -1n, limit: 10_000, playerId: 'b' });
      expect(read.map(comparable)).toEqual(ofB.map(({ item }) => comparable(item)));
    });
  });
}
