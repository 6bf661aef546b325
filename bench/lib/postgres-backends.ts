import type pg from 'pg';
import { clientPortsOf } from './http-cpu.js';

/**
 * The PostgreSQL backends serving `pid`'s connections, found through their client ports; a few
 * tries, since a pool that just started may not have connected yet.
 */
export async function backendsOf(admin: pg.Client, pid: number, postgresPort: number): Promise<number[]> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const ports = clientPortsOf(pid, postgresPort);
    if (ports.length > 0) {
      const rows = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])`, [ports]);
      if (rows.rows.length > 0) return rows.rows.map((row) => row.pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}
