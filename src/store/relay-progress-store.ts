import { ledgerId } from './ledger-store.js';
import type { SqlClient } from './sql-client.js';

/** Outbox rows one prune statement deletes at most: a prune never holds locks for long. */
export const prunedRowsPerStatementMax = 10_000;

/**
 * Where the event relay keeps its progress: per partition, the next sequence not yet acked by
 * the bus. Recording progress also stamps the outbox rows it covers as published, so that they
 * can be pruned once older than the retention.
 */
export class RelayProgressStore {
  constructor(private readonly client: SqlClient) {}

  /** Each partition's next unpublished sequence; a partition never published from starts at 0. */
  async load(): Promise<Map<number, bigint>> {
    const rows = await this.client.query<{ partition: number; next_sequence: string }>('SELECT partition, next_sequence::text FROM relay_progress');
    return new Map(rows.map((row) => [Number(row.partition), BigInt(row.next_sequence)]));
  }

  /** Records that every event of the partition below `nextSequence` was acked, never moving backwards. */
  async record(partition: number, fromSequence: bigint, nextSequence: bigint, at: Date): Promise<void> {
    if (nextSequence < fromSequence) throw new Error('invariant violated: relay progress only moves forward');
    await this.client.query(
      `WITH progress AS (
         INSERT INTO relay_progress (partition, next_sequence, updated_at) VALUES ($1, $2::bigint, $5)
         ON CONFLICT (partition) DO UPDATE SET next_sequence = GREATEST(relay_progress.next_sequence, EXCLUDED.next_sequence), updated_at = EXCLUDED.updated_at
         RETURNING 1)
       UPDATE outbox SET published_at = $5 WHERE event_id >= $3::bigint AND event_id < $4::bigint AND published_at IS NULL`,
      [partition, String(nextSequence), String(ledgerId(partition, fromSequence)), String(ledgerId(partition, 0n) + nextSequence), at],
      'relay_progress_record',
    );
  }

  /** Deletes outbox rows published before `before`, at most `prunedRowsPerStatementMax`; returns how many. */
  async prune(before: Date): Promise<number> {
    const rows = await this.client.query<{ event_id: string }>(
      `DELETE FROM outbox WHERE event_id IN (SELECT event_id FROM outbox WHERE published_at < $1 LIMIT ${prunedRowsPerStatementMax}) RETURNING event_id::text`,
      [before],
    );
    return rows.length;
  }
}
