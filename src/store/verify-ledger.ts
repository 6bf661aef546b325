import { readFile } from 'node:fs/promises';
import type { SqlClient } from './sql-client.js';

export interface LedgerProblem {
  readonly problem: string;
  readonly subject: string;
  readonly currency: string;
  readonly amount: string;
}

const verifySql = readFile(new URL('./verify-ledger.sql', import.meta.url), 'utf8');

/** Runs the shipped verification query; an empty list means the ledger balances. */
export async function verifyLedger(client: SqlClient): Promise<LedgerProblem[]> {
  return client.query<LedgerProblem>(await verifySql);
}
