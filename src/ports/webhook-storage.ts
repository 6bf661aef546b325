/** An endpoint registered through the operator API (docs/webhooks.md). */
export interface Webhook {
  readonly webhookId: string;
  readonly url: string;
  /** Event types or `prefix.*` patterns. */
  readonly eventTypes: readonly string[];
  readonly secret: string;
  readonly status: 'active' | 'suspended';
  readonly suspendedReason: string | null;
  readonly suspendedAt: Date | null;
  readonly skippedEvents: bigint;
  readonly createdAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  readonly webhookId: string;
  /** The event's ledger id. */
  readonly eventId: bigint;
  readonly eventType: string;
  readonly body: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A delivery to create: the dispatcher's output for one matching event. */
export interface NewDelivery {
  readonly webhookId: string;
  readonly eventId: bigint;
  readonly eventType: string;
  readonly body: string;
}

export type WebhookChange = { readonly kind: 'created'; readonly webhook: Webhook } | { readonly kind: 'removed'; readonly webhookId: string };

/** What one attempt came to. */
export type AttemptResult =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly error: string; readonly nextAttemptAt: Date }
  | { readonly kind: 'failed'; readonly error: string }
  /** Not tried (the endpoint's breaker is open): no attempt is counted. */
  | { readonly kind: 'deferred'; readonly nextAttemptAt: Date };

/**
 * Where webhooks, their deliveries and the dispatcher's progress are kept. Deliveries and the
 * progress that produced them are written in one statement, so a crash loses neither.
 */
export interface WebhookStorage {
  /**
   * Calls the listener, before the change's promise resolves, after each registration or removal
   * made through this storage, so that an endpoint is matched from its registration's answer on.
   */
  watch(listener: (change: WebhookChange) => void): () => void;
  create(webhook: Omit<Webhook, 'status' | 'suspendedReason' | 'suspendedAt' | 'skippedEvents' | 'createdAt'>): Promise<Webhook>;
  all(): Promise<Webhook[]>;
  find(webhookId: string): Promise<Webhook | undefined>;
  /** False when there was no such webhook. */
  remove(webhookId: string): Promise<boolean>;
  /** Deliveries of a webhook, newest event first, those with an event id below `beforeEventId` when given. */
  deliveries(webhookId: string, query: { readonly limit: number; readonly beforeEventId?: bigint; readonly status?: DeliveryStatus }): Promise<Delivery[]>;
  /** Each partition's next sequence to dispatch; a partition never seen starts at its current head. */
  progress(): Promise<Map<number, bigint>>;
  /**
   * Inserts the deliveries (an existing one is left alone) and records the partition's progress,
   * in one statement. Endpoints at `pendingMax` pending deliveries or more are suspended, and what
   * they would have received is counted in their `skipped_events`.
   */
  record(partition: number, nextSequence: bigint, deliveries: readonly NewDelivery[], pendingMax: number): Promise<void>;
  /** Pending deliveries due at `now`, oldest due first (a suspended endpoint still drains what it has). */
  due(now: Date, limit: number): Promise<Delivery[]>;
  settle(delivery: Delivery, result: AttemptResult): Promise<void>;
  /** Deletes at most `limit` delivered or failed deliveries last changed before `before`; answers how many. */
  prune(before: Date, limit: number): Promise<number>;
}
