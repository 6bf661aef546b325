import type { BonusGrant } from '../../src/core/bonus/grant.js';
import { newGrant } from '../../src/core/bonus/lifecycle.js';
import type { Entry } from '../../src/core/entry.js';
import { openPglite } from '../../src/store/pglite-client.js';
import { openPostgres } from '../../src/store/postgres-client.js';
import type { Batch, LedgerEntry, PartitionLease, WalletWrite } from '../../src/store/batch.js';
import { migrate } from '../../src/store/migrate.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { baseCampaign, testNow } from '../support/catalogue.js';
import { dropSchema, freshSchema, postgresUrl, type StoreUnderTest } from '../support/stores.js';

/** A migrated, empty store on the adapter under test, and how to remove it. */
export async function openMigrated(store: StoreUnderTest): Promise<{ client: SqlClient; close: () => Promise<void> }> {
  if (store.name === 'pglite') {
    const client = await openPglite(null);
    await migrate(client);
    return { client, close: () => client.close() };
  }
  const schema = freshSchema('croupier_store');
  const client = await openPostgres({ connectionString: postgresUrl, poolSize: 2, schema });
  await migrate(client);
  return {
    client,
    close: async () => {
      await client.close();
      await dropSchema(schema);
    },
  };
}

/** A batch with nothing in it but what `parts` gives: it bumps the partition and, alone, commits nothing else. */
export function batchOf(lease: PartitionLease, parts: Partial<Omit<Batch, 'lease'>> = {}): Batch {
  return {
    lease,
    nextLedgerSeq: lease.nextLedgerSeq,
    wallets: [],
    entries: [],
    refusals: [],
    newBonuses: [],
    changedBonuses: [],
    events: [],
    audits: [],
    committedAt: new Date(testNow),
    ...parts,
  };
}

/** A deposit of 100 to the player's cash from the world, under the given ledger id. */
export function deposit(ledgerId: bigint, transactionId: string, playerId = 'player-1'): LedgerEntry {
  const entry: Entry = {
    record: { source: 'test', transactionId, playerId, kind: 'deposit', amount: 100n, currency: 'EUR', roundId: null, gameId: null, referenceTransactionId: null },
    cashAmount: 100n,
    bonusAmount: 0n,
    postings: [
      { account: 'cash', playerId, amount: 100n },
      { account: 'world:payments', playerId: null, amount: -100n },
    ],
    bonusGrantId: null,
    contribution: 0n,
  };
  return { ledgerId, entry, balanceAfter: { cash: 100n, bonus: 0n } };
}

export function wallet(playerId: string, versionRead: bigint | null): WalletWrite {
  return { playerId, currency: 'EUR', status: 'active', cash: 100n, bonus: 0n, bonusOptIns: [], versionRead };
}

export function grant(grantId: string, playerId = 'player-1'): BonusGrant {
  return newGrant(playerId, 0, { grantId, campaign: baseCampaign, amount: 100n, depositAmount: 0n }, testNow);
}
