/**
 * `npm run verify-ledger`: proves the ledger balances. Exit code 0 when every check passes,
 * 1 when the shipped verification query reports a problem (each printed as one line), 2 when
 * there is no ledger to check: no store in the data folder, a folder a server holds, a
 * database that cannot be reached.
 */
import { Command } from 'commander';
import { openStore } from '../croupier.js';
import { migrate } from '../store/migrate.js';
import { openPglite } from '../store/pglite-client.js';
import type { SqlClient } from '../store/sql-client.js';
import { verifyLedger } from '../store/verify-ledger.js';

const program = new Command('verify-ledger')
  .description('check that every transaction and currency sums to zero and each stored balance equals the sum of its postings')
  .option('--database-url <url>', 'PostgreSQL connection string', process.env.DATABASE_URL)
  .option('--schema <name>', 'PostgreSQL schema')
  .option('--data-dir <path>', 'PGlite data folder (when no database URL is given); the server must be stopped', process.env.CROUPIER_DATA_DIR ?? './data')
  // `npm run verify-ledger --data-dir x` (without `--`) hands the flag to npm and only `x` to us.
  .argument('[folder]', 'PGlite data folder, as --data-dir')
  .parse();

const folder = program.args[0];
const options = { ...program.opts<{ databaseUrl?: string; schema?: string; dataDir: string }>(), ...(folder === undefined ? {} : { dataDir: folder }) };

/** The store to check; an embedded one must exist already (opening a missing folder would create an empty, "balanced" one). */
async function open(): Promise<SqlClient> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return openStore({ databaseUrl: options.databaseUrl, schema: options.schema, poolSize: 1 });
  }
  return openPglite(options.dataDir, { create: false });
}

let sql: SqlClient;
try {
  sql = await open();
} catch (error) {
  console.error(`verify-ledger: cannot check: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
try {
  await migrate(sql);
  const problems = await verifyLedger(sql);
  const [totals] = await sql.query<{ transactions: string; postings: string; players: string }>(
    `SELECT (SELECT count(*) FROM transactions)::text AS transactions, (SELECT count(*) FROM postings)::text AS postings, (SELECT count(*) FROM players)::text AS players`,
  );
  for (const problem of problems) console.log(`${problem.problem}\t${problem.subject}\t${problem.currency}\t${problem.amount}`);
  console.log(
    problems.length === 0
      ? `ledger balances: ${totals?.transactions} transactions, ${totals?.postings} postings, ${totals?.players} players checked`
      : `ledger does NOT balance: ${problems.length} problem(s)`,
  );
  process.exitCode = problems.length === 0 ? 0 : 1;
} finally {
  await sql.close();
}
