// Goal: the engine (partitions, batches, caches that forget, reloads from the store, recovery
// from id conflicts) gives exactly the answers of the pure model, and what it stores balances.
// Method: fast-check sessions run through both the model and the engine on each store, sent
// to the engine in concurrent chunks; answers must be identical, the shipped ledger
// verification must find nothing, and stored balances must equal the model's.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Model, json } from '../support/model.js';
import { materialise, registrations, sessions } from '../support/sequences.js';
import { sessionCampaigns, sessionGames, testNow } from '../support/catalogue.js';
import { storesUnderTest } from '../support/stores.js';
import { createTestCroupier, type TestCroupier } from '../support/test-croupier.js';

// Tiny limits force every slow path. The history budget goes first: history is dropped after
// each batch while wallets stay. With room for two of a session's three players in one
// partition, wallets are dropped and read back from the store all along too.
const forgetful = { partitionCount: 2, batchSizeMax: 4, batchDelayMs: 0, queueLengthMax: 1000, playersCachedMax: 4, historyPerPlayerMax: 1, historyCachedMax: 3 };
const forgetfulPlayers = { partitionCount: 1, batchSizeMax: 2, batchDelayMs: 0, queueLengthMax: 1000, playersCachedMax: 2, historyPerPlayerMax: 1, historyCachedMax: 0 };
const roomy = { partitionCount: 4, batchSizeMax: 64, batchDelayMs: 1 };
const configurations = [
  { name: 'forgetful cache', engine: forgetful },
  { name: 'forgetful of players', engine: forgetfulPlayers },
  { name: 'default cache', engine: roomy },
];

for (const store of await storesUnderTest('engine matches model')) for (const { name, engine } of configurations) {
  describe(`engine on ${store.name}, ${name}`, () => {
    let croupier: TestCroupier;
    let cleanup: () => Promise<void>;
    let run = 0;

    beforeAll(async () => {
      const fresh = store.fresh();
      cleanup = fresh.cleanup;
      croupier = await createTestCroupier({ ...fresh.options, engine, now: () => new Date(testNow), expirySweepMs: 0 });
      for (const campaign of sessionCampaigns) await croupier.catalogue.saveCampaign(campaign);
      await croupier.catalogue.saveGames(Object.entries(sessionGames).map(([gameId, category]) => ({ gameId, providerId: null, category, name: null })));
    });

    afterAll(async () => {
      await croupier.close();
      await cleanup();
    });

    it('answers every command exactly like the pure model, and the stored ledger balances', async () => {
      await fc.assert(
        fc.asyncProperty(sessions, fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 }), async (steps, chunkSizes) => {
          run += 1;
          const prefix = `r${run}-`;
          const commands = [...registrations(prefix), ...materialise(steps, prefix)];
          const model = new Model();
          const expected = commands.map((command) => json(model.execute(command).outcome));
          const actual: string[] = [];
          for (let index = 0, chunk = 0; index < commands.length; chunk += 1) {
            const size = chunkSizes[chunk % chunkSizes.length] as number;
            const outcomes = await Promise.all(commands.slice(index, index + size).map((command) => croupier.execute(command)));
            actual.push(...outcomes.map((outcome) => json(outcome)));
            index += size;
          }
          expect(actual).toEqual(expected);
          for (const { wallet } of model.players.values()) {
            const rows = await croupier.sql.query<{ cash: string; bonus: string; status: string }>(
              'SELECT cash::text, bonus::text, status FROM players WHERE player_id = $1',
              [wallet.playerId],
            );
            expect(rows[0]).toEqual({ cash: String(wallet.cash), bonus: String(wallet.bonus), status: wallet.status });
          }
        }),
        { numRuns: 30 },
      );
      expect(await croupier.verifyLedger()).toEqual([]);
    });
  });
}
