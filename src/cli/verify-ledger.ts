/**
 * `npm run verify-ledger`: proves the ledger balances. Exit code 0 when every check passes,
 * 1 when the shipped verification query reports a problem (each printed as one line).
 */
import { Command } from 'commander';
import { openStore } from '../croupier.js';
import { migrate } from '../store/migrate.js';
import { verifyLedger } from '../store/verify-ledger.js';

const program = new Command('verify-ledger')
  .description('check that every transaction and currency sums to zero and each stored balance equals the sum of its postings')
  .option('--database-url <url>', 'PostgreSQL connection string', process.env.DATABASE_URL)
  .option('--schema <name>', 'PostgreSQL schema')
  .option('--data-dir <path>', 'PGlite data folder (when no database URL is given); the server must be stopped', process.env.CROUPIER_DATA_DIR ?? './data')
  .parse();

const options = program.opts<{ databaseUrl?: string; schema?: string; dataDir: string }>();
const sql = await openStore({ databaseUrl: options.databaseUrl, schema: options.schema, dataDir: options.dataDir, poolSize: 1 });
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
