import { createCroupier, openStore, type Croupier, type CroupierOptions } from '../../src/croupier.js';
import type { SqlClient } from '../../src/store/sql-client.js';

/**
 * A croupier with the SQL client of its store, for tests that check the database themselves.
 * The production facade offers read ports only; the client lives on this test-only type.
 */
export interface TestCroupier extends Croupier {
  readonly sql: SqlClient;
}

/** Opens the store the options name, then starts a croupier on it; closing the croupier closes the store. */
export async function createTestCroupier(options: CroupierOptions = {}): Promise<TestCroupier> {
  const sql = await openStore(options);
  const croupier = await createCroupier({ ...options, client: sql });
  return Object.assign(croupier, { sql });
}
