import type { AttemptResult, Delivery, DeliveryStatus, NewDelivery, Webhook, WebhookChange, WebhookStorage } from '../ports/webhook-storage.js';
import { integerArray, textArray } from './array-literal.js';
import type { SqlClient } from './sql-client.js';

const webhookColumns = 'webhook_id, url, event_types, secret, status, suspended_reason, suspended_at, skipped_events::text, created_at';
const deliveryColumns = 'webhook_id, event_id::text, event_type, body, status, attempts, last_error, next_attempt_at, created_at, updated_at';

/** Webhooks, their deliveries and the dispatcher's progress (migration 011). */
export class WebhookStore implements WebhookStorage {
  private readonly listeners = new Set<(change: WebhookChange) => void>();

  constructor(private readonly client: SqlClient) {}

  watch(listener: (change: WebhookChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: WebhookChange): void {
    for (const listener of this.listeners) listener(change);
  }

  async create(webhook: Pick<Webhook, 'webhookId' | 'url' | 'eventTypes' | 'secret'>): Promise<Webhook> {
    const rows = await this.client.query<WebhookRow>(
      `INSERT INTO webhooks (webhook_id, url, event_types, secret, status) VALUES ($1, $2, $3::text[], $4, 'active') RETURNING ${webhookColumns}`,
      [webhook.webhookId, webhook.url, textArray(webhook.eventTypes), webhook.secret],
    );
    const created = webhookOf(single(rows));
    this.changed({ kind: 'created', webhook: created });
    return created;
  }

  async all(): Promise<Webhook[]> {
    const rows = await this.client.query<WebhookRow>(`SELECT ${webhookColumns} FROM webhooks ORDER BY created_at, webhook_id`);
    return rows.map(webhookOf);
  }

  async find(webhookId: string): Promise<Webhook | undefined> {
    const rows = await this.client.query<WebhookRow>(`SELECT ${webhookColumns} FROM webhooks WHERE webhook_id = $1`, [webhookId]);
    return rows[0] === undefined ? undefined : webhookOf(rows[0]);
  }

  async remove(webhookId: string): Promise<boolean> {
    const rows = await this.client.query(`DELETE FROM webhooks WHERE webhook_id = $1 RETURNING webhook_id`, [webhookId]);
    if (rows.length > 0) this.changed({ kind: 'removed', webhookId });
    return rows.length > 0;
  }

  async deliveries(webhookId: string, query: { readonly limit: number; readonly beforeEventId?: bigint; readonly status?: DeliveryStatus }): Promise<Delivery[]> {
    const rows = await this.client.query<DeliveryRow>(
      `SELECT ${deliveryColumns} FROM webhook_deliveries
       WHERE webhook_id = $1 AND ($2::bigint IS NULL OR event_id < $2::bigint) AND ($3::text IS NULL OR status = $3::text)
       ORDER BY event_id DESC LIMIT $4`,
      [webhookId, query.beforeEventId === undefined ? null : String(query.beforeEventId), query.status ?? null, query.limit],
    );
    return rows.map(deliveryOf);
  }

  async progress(): Promise<Map<number, bigint>> {
    const rows = await this.client.query<{ partition: number; next_sequence: string }>(
      `WITH started AS (INSERT INTO webhook_progress (partition, next_sequence) SELECT partition, next_ledger_seq FROM partitions ON CONFLICT (partition) DO NOTHING RETURNING partition, next_sequence)
       SELECT partition, next_sequence::text FROM started UNION ALL SELECT partition, next_sequence::text FROM webhook_progress`,
    );
    return new Map(rows.map((row) => [Number(row.partition), BigInt(row.next_sequence)]));
  }

  async record(partition: number, nextSequence: bigint, deliveries: readonly NewDelivery[], pendingMax: number): Promise<void> {
    await this.client.query(recordSql, [
      partition,
      String(nextSequence),
      textArray(deliveries.map((delivery) => delivery.webhookId)),
      integerArray(deliveries.map((delivery) => delivery.eventId)),
      textArray(deliveries.map((delivery) => delivery.eventType)),
      textArray(deliveries.map((delivery) => delivery.body)),
      pendingMax,
    ]);
  }

  async due(now: Date, limit: number): Promise<Delivery[]> {
    const rows = await this.client.query<DeliveryRow>(
      `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz ORDER BY next_attempt_at, event_id LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map(deliveryOf);
  }

  async settle(delivery: Delivery, result: AttemptResult): Promise<void> {
    const key = [delivery.webhookId, String(delivery.eventId)];
    if (result.kind === 'deferred') {
      await this.client.query(`UPDATE webhook_deliveries SET next_attempt_at = $3::timestamptz, updated_at = now() WHERE webhook_id = $1 AND event_id = $2::bigint AND status = 'pending'`, [...key, result.nextAttemptAt.toISOString()]);
      return;
    }
    const status: DeliveryStatus = result.kind === 'retry' ? 'pending' : result.kind;
    const error = result.kind === 'delivered' ? null : result.error;
    const next = result.kind === 'retry' ? result.nextAttemptAt.toISOString() : null;
    await this.client.query(
      `UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, last_error = coalesce($4, last_error), next_attempt_at = coalesce($5::timestamptz, next_attempt_at), updated_at = now()
       WHERE webhook_id = $1 AND event_id = $2::bigint AND status = 'pending'`,
      [...key, status, error, next],
    );
  }

  async prune(before: Date, limit: number): Promise<number> {
    const rows = await this.client.query(
      `DELETE FROM webhook_deliveries WHERE (webhook_id, event_id) IN (
         SELECT webhook_id, event_id FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < $1::timestamptz LIMIT $2)
       RETURNING 1`,
      [before.toISOString(), limit],
    );
    return rows.length;
  }
}

// Endpoints already suspended, or at their bound of pending deliveries, take none of this batch's:
// they are (or become) suspended and count what they missed. The rest are inserted once.
const recordSql = `WITH input AS (
    SELECT * FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[]) AS i(webhook_id, event_id, event_type, body)),
  pending AS (
    SELECT webhook_id, count(*) AS n FROM webhook_deliveries WHERE status = 'pending' AND webhook_id IN (SELECT webhook_id FROM input) GROUP BY webhook_id),
  saturated AS (
    SELECT w.webhook_id, w.status FROM webhooks w LEFT JOIN pending p ON p.webhook_id = w.webhook_id
    WHERE w.webhook_id IN (SELECT webhook_id FROM input) AND (w.status = 'suspended' OR coalesce(p.n, 0) >= $7)),
  suspended AS (
    UPDATE webhooks w SET status = 'suspended',
      suspended_reason = CASE WHEN w.status = 'active' THEN 'more than ' || $7 || ' deliveries pending' ELSE w.suspended_reason END,
      suspended_at = CASE WHEN w.status = 'active' THEN now() ELSE w.suspended_at END,
      skipped_events = w.skipped_events + (SELECT count(*) FROM input i WHERE i.webhook_id = w.webhook_id)
    FROM saturated s WHERE s.webhook_id = w.webhook_id RETURNING 1),
  inserted AS (
    INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, body, status, next_attempt_at)
    SELECT i.webhook_id, i.event_id, i.event_type, i.body, 'pending', now() FROM input i
    WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.webhook_id = i.webhook_id) AND NOT EXISTS (SELECT 1 FROM saturated s WHERE s.webhook_id = i.webhook_id)
    ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING 1),
  progressed AS (
    INSERT INTO webhook_progress (partition, next_sequence) VALUES ($1, $2::bigint)
    ON CONFLICT (partition) DO UPDATE SET next_sequence = greatest(webhook_progress.next_sequence, excluded.next_sequence) RETURNING 1)
  SELECT (SELECT count(*) FROM inserted) AS inserted, (SELECT count(*) FROM suspended) AS suspended, (SELECT count(*) FROM progressed) AS progressed`;

interface WebhookRow {
  webhook_id: string;
  url: string;
  event_types: string[];
  secret: string;
  status: 'active' | 'suspended';
  suspended_reason: string | null;
  suspended_at: Date | string | null;
  skipped_events: string;
  created_at: Date | string;
}

interface DeliveryRow {
  webhook_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | string;
  created_at: Date | string;
  updated_at: Date | string;
}

function webhookOf(row: WebhookRow): Webhook {
  return {
    webhookId: row.webhook_id,
    url: row.url,
    eventTypes: row.event_types,
    secret: row.secret,
    status: row.status,
    suspendedReason: row.suspended_reason,
    suspendedAt: row.suspended_at === null ? null : new Date(row.suspended_at),
    skippedEvents: BigInt(row.skipped_events),
    createdAt: new Date(row.created_at),
  };
}

function deliveryOf(row: DeliveryRow): Delivery {
  return {
    webhookId: row.webhook_id,
    eventId: BigInt(row.event_id),
    eventType: row.event_type,
    body: row.body,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    nextAttemptAt: new Date(row.next_attempt_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function single<Row>(rows: readonly Row[]): Row {
  const row = rows[0];
  if (row === undefined || rows.length !== 1) throw new Error(`invariant violated: expected one row, got ${rows.length}`);
  return row;
}
