import pg from 'pg';
import type { SqlClient } from './sql-client.js';

export interface PostgresOptions {
  readonly connectionString: string;
  readonly poolSize: number;
  /** Every connection works in this schema (created if missing): benchmarks and tests use their own. */
  readonly schema?: string;
}

export async function openPostgres(options: PostgresOptions): Promise<SqlClient> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    application_name: 'croupier',
    // A generic plan from the first execution: the custom plans PostgreSQL tries first for the
    // batch statement scan the players table instead of using its primary key.
    options: [`-c plan_cache_mode=force_generic_plan`, ...(options.schema === undefined ? [] : [`-c search_path=${options.schema}`])].join(' '),
  });
  // An idle client that errors (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  if (options.schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  return {
    dialect: 'postgres',
    concurrency: options.poolSize,
    async query<Row>(text: string, params: readonly unknown[] = [], name?: string): Promise<Row[]> {
      const result = await pool.query({ text, values: params as unknown[], ...(name === undefined ? {} : { name }) });
      return result.rows as Row[];
    },
    async script(text: string): Promise<void> {
      await pool.query(text);
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
