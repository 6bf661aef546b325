import pg from 'pg';

/**
 * Drops a bench's scratch schema. A failure only warns: it runs on the way out (also after
 * Ctrl-C), where throwing would hide the error that ended the run.
 */
export async function dropScratchSchema(databaseUrl: string, schema: string, out: (line: string) => void): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  try {
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } catch (error) {
    out(`  warning: could not drop scratch schema ${schema}: ${String(error)}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
