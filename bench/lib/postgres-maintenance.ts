import type pg from 'pg';

export interface Maintenance {
  readonly autovacuum: number;
  readonly autoanalyze: number;
  readonly checkpoints: number;
}

/** Maintenance PostgreSQL did meanwhile: autovacuum / autoanalyze runs on the scratch schema, checkpoints. */
export async function maintenance(admin: pg.Client, schema: string): Promise<Maintenance> {
  const tables = await admin.query<{ autovacuum: string; autoanalyze: string }>(
    `SELECT coalesce(sum(autovacuum_count), 0)::text AS autovacuum, coalesce(sum(autoanalyze_count), 0)::text AS autoanalyze
     FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema],
  );
  const bgwriter = await admin.query<{ checkpoints: string }>(`SELECT (checkpoints_timed + checkpoints_req)::text AS checkpoints FROM pg_stat_bgwriter`);
  return {
    autovacuum: Number(tables.rows[0]?.autovacuum ?? 0),
    autoanalyze: Number(tables.rows[0]?.autoanalyze ?? 0),
    checkpoints: Number(bgwriter.rows[0]?.checkpoints ?? 0),
  };
}
