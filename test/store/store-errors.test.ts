// Goal: the store tells its errors apart by SQLSTATE and constraint name, never by message text,
// and both adapters give it the same fields to do so. Method: on PGlite and on PostgreSQL
// (skipped loudly without a server, mandatory in CI), commit batches that really break each rule
// — a fenced epoch, a stale wallet version, a stale grant, a transaction id and a bonus grant id
// already taken — and check the error's SQLSTATE and constraint, its classification, and what
// LedgerStore.commit throws; an unrelated unique violation stays unclassified.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commitStatement } from '../../src/store/commit-statement.js';
import type { Batch, PartitionLease } from '../../src/store/batch.js';
import { FencedError, isTransactionIdConflict, LedgerStore } from '../../src/store/ledger-store.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { commitRefusals, sqlErrorFields, storeErrorKind } from '../../src/store/store-errors.js';
import { storesUnderTest } from '../support/stores.js';
import { batchOf, deposit, grant, openMigrated, wallet } from './batches.js';

/** Runs the batch's commit statement as it is, and returns the error it fails with. */
async function failureOf(client: SqlClient, batch: Batch): Promise<unknown> {
  const statement = commitStatement(batch);
  try {
    await client.query(statement.text, statement.values, statement.name);
  } catch (error) {
    return error;
  }
  throw new Error('the commit statement did not fail');
}

for (const store of await storesUnderTest('store errors classified by SQLSTATE and constraint')) {
  describe(`store errors on ${store.name}`, () => {
    let client: SqlClient;
    let close: () => Promise<void>;
    let ledger: LedgerStore;
    let lease: PartitionLease;

    beforeAll(async () => {
      ({ client, close } = await openMigrated(store));
      ledger = new LedgerStore(client);
    });
    afterAll(() => close());
    beforeEach(async () => {
      await client.script('TRUNCATE partitions, players, transactions, refusals, bonus_grants, outbox');
      [lease] = (await ledger.acquirePartitions([0], 'test')) as [PartitionLease];
    });

    it('a batch of a writer whose epoch moved is fenced: CR001, thrown as FencedError', async () => {
      await ledger.acquirePartitions([0], 'another node');
      const batch = batchOf(lease, { entries: [deposit(1n, 'fenced-1')] });
      const error = await failureOf(client, batch);
      expect(sqlErrorFields(error)).toEqual({ code: 'CR001', constraint: undefined });
      expect(storeErrorKind(error)).toBe('fenced');
      await expect(ledger.commit(batch)).rejects.toBeInstanceOf(FencedError);
    });

    it('a wallet updated from a version the store no longer has is stale: CR002', async () => {
      await ledger.commit(batchOf(lease, { wallets: [wallet('player-1', null)] }));
      const error = await failureOf(client, batchOf(lease, { wallets: [wallet('player-1', 7n)] }));
      expect(sqlErrorFields(error).code).toBe('CR002');
      expect(storeErrorKind(error)).toBe('staleWallet');
      expect(isTransactionIdConflict(error)).toBe(false);
    });

    it('a grant updated that the store does not have is stale: CR003', async () => {
      const error = await failureOf(client, batchOf(lease, { changedBonuses: [grant('never-granted')] }));
      expect(sqlErrorFields(error).code).toBe('CR003');
      expect(storeErrorKind(error)).toBe('staleGrant');
    });

    it('a transaction id already taken is a transaction-id conflict (23505 on transactions_source_id)', async () => {
      await ledger.commit(batchOf(lease, { entries: [deposit(1n, 'deposit-1')] }));
      const batch = batchOf(lease, { entries: [deposit(2n, 'deposit-1')] });
      const error = await failureOf(client, batch);
      expect(sqlErrorFields(error)).toEqual({ code: '23505', constraint: 'transactions_source_id' });
      expect(storeErrorKind(error)).toBe('transactionIdConflict');
      await ledger.commit(batch).then(
        () => expect.unreachable('the commit succeeded'),
        (thrown: unknown) => expect(isTransactionIdConflict(thrown)).toBe(true),
      );
    });

    it('a bonus grant id already taken is a transaction-id conflict (23505 on bonus_grants_pkey)', async () => {
      await ledger.commit(batchOf(lease, { newBonuses: [grant('grant-1')] }));
      const error = await failureOf(client, batchOf(lease, { newBonuses: [grant('grant-1')] }));
      expect(sqlErrorFields(error)).toEqual({ code: '23505', constraint: 'bonus_grants_pkey' });
      expect(isTransactionIdConflict(error)).toBe(true);
    });

    it('another unique violation (a ledger id used twice) is not a transaction-id conflict', async () => {
      await ledger.commit(batchOf(lease, { entries: [deposit(1n, 'deposit-1')] }));
      const error = await failureOf(client, batchOf(lease, { entries: [deposit(1n, 'deposit-2')] }));
      expect(sqlErrorFields(error)).toEqual({ code: '23505', constraint: 'transactions_player_ledger' });
      expect(storeErrorKind(error)).toBe('unclassified');
      expect(isTransactionIdConflict(error)).toBe(false);
    });
  });
}

describe('store error classification', () => {
  it('never reads the message: a constraint named only in the text is unclassified', () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint "transactions_source_id"'), { code: '23514' });
    expect(storeErrorKind(error)).toBe('unclassified');
    expect(storeErrorKind(new Error('CROUPIER_FENCED'))).toBe('unclassified');
    expect(storeErrorKind('CR001')).toBe('unclassified');
    expect(storeErrorKind(null)).toBe('unclassified');
  });

  it('gives each refusal its own SQLSTATE in class CR, each declared in the migration that raises it', () => {
    const codes = Object.values(commitRefusals).map((refusal) => refusal.sqlstate);
    expect(new Set(codes).size).toBe(codes.length);
    const migration = readFileSync(new URL('../../src/store/migrations/005_assert_sqlstate.sql', import.meta.url), 'utf8');
    for (const code of codes) {
      expect(code).toMatch(/^CR[0-9A-Z]{3}$/);
      expect(migration).toContain(code);
    }
  });
});
