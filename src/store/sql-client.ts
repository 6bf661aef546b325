/**
 * The one thing the store needs from a database: run a statement with parameters and get
 * rows back. PostgreSQL (node-postgres pool) and PGlite (in-process) both fit behind it.
 */
export interface SqlClient {
  readonly dialect: 'postgres' | 'pglite';
  /** How many statements can usefully run at once (pool size; 1 for PGlite). */
  readonly concurrency: number;
  /**
   * `name` marks a hot statement to be prepared once per connection. A failed statement rejects
   * with an error that carries `code` (the SQLSTATE) and, for a constraint violation,
   * `constraint`, on both adapters: src/store/store-errors.ts classifies errors by those alone.
   */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], name?: string): Promise<Row[]>;
  /** Runs a script of several statements as one transaction. */
  script(text: string): Promise<void>;
  close(): Promise<void>;
}
