import type { CommitSubscriber, CommittedBatch, SequencedEvent } from '../engine/committed-batch.js';
import type { EventLog } from '../ports/event-log.js';
import type { NewDelivery, Webhook, WebhookStorage } from '../ports/webhook-storage.js';
import { envelopeOf } from './event-envelope.js';
import { matchesEventType } from './event-types.js';

/** How long progress without deliveries may stay in memory only. */
const progressFlushMs = 1_000;

export interface DispatcherOptions {
  readonly storage: WebhookStorage;
  readonly events: EventLog;
  readonly endpoints: () => readonly Webhook[];
  readonly pendingPerEndpointMax: number;
  readonly catchUpPageSize: number;
  readonly now: () => Date;
  /** Told after deliveries were recorded, so the sender need not wait for its next poll. */
  readonly recorded: () => void;
}

/**
 * Turns committed events into durable delivery rows. It subscribes to committed batches and
 * records, with each batch's deliveries, how far it got in the partition (`webhook_progress`).
 * A batch that starts past that point (a dropped notification, or a restart) is preceded by what
 * was missed, read back from the event log; a batch already recorded changes nothing.
 */
export class WebhookDispatcher implements CommitSubscriber {
  readonly name = 'webhooks';
  private progress = new Map<number, bigint>();
  /** Progress recorded in memory only: a batch that matched no endpoint is not worth a statement of its own. */
  private readonly unrecorded = new Map<number, bigint>();
  private readonly recordedAtMs = new Map<number, number>();

  private started: Promise<void> | null = null;

  constructor(private readonly options: DispatcherOptions) {}

  /** Loads the progress and catches every partition up with the store; committed batches wait for it. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.progress = await this.options.storage.progress();
      for (const partition of [...this.progress.keys()].sort((left, right) => left - right)) await this.catchUp(partition, null);
    })();
    return this.started;
  }

  async committed(batch: CommittedBatch): Promise<void> {
    // Recording a batch before the progress is loaded would move the stored progress past what it missed.
    await this.start();
    const next = this.progress.get(batch.partition) ?? batch.firstSequence;
    if (batch.nextSequence <= next) return;
    if (batch.firstSequence > next) await this.catchUp(batch.partition, batch.firstSequence);
    const after = this.progress.get(batch.partition) ?? batch.firstSequence;
    const events = batch.events.filter((sequenced) => sequenced.sequence >= after);
    await this.record(batch.partition, batch.nextSequence, this.deliveriesOf(batch.partition, events, batch.committedAt));
  }

  /** Reads the partition's events from its progress on, up to `until` (exclusive) or the end. */
  private async catchUp(partition: number, until: bigint | null): Promise<void> {
    for (;;) {
      const next = this.progress.get(partition) ?? 0n;
      const page = await this.options.events.read({ partition, afterSequence: next - 1n, limit: this.options.catchUpPageSize });
      const wanted = until === null ? page : page.filter((sequenced) => sequenced.sequence < until);
      const last = wanted.at(-1);
      if (last === undefined) return;
      await this.record(partition, last.sequence + 1n, this.deliveriesOf(partition, wanted, this.options.now()));
      if (wanted.length < this.options.catchUpPageSize) return;
    }
  }

  /** Writes the progress that only memory holds (at stop); a crash re-reads at most `progressFlushMs` of events. */
  async flush(): Promise<void> {
    for (const [partition, nextSequence] of this.unrecorded) await this.options.storage.record(partition, nextSequence, [], this.options.pendingPerEndpointMax);
    this.unrecorded.clear();
  }

  private async record(partition: number, nextSequence: bigint, deliveries: readonly NewDelivery[]): Promise<void> {
    const nowMs = this.options.now().getTime();
    if (deliveries.length === 0 && nowMs - (this.recordedAtMs.get(partition) ?? 0) < progressFlushMs) {
      this.progress.set(partition, nextSequence);
      this.unrecorded.set(partition, nextSequence);
      return;
    }
    // Progress moves only once stored: after a failed write the next batch starts past it and catches up.
    await this.options.storage.record(partition, nextSequence, deliveries, this.options.pendingPerEndpointMax);
    this.progress.set(partition, nextSequence);
    this.unrecorded.delete(partition);
    this.recordedAtMs.set(partition, nowMs);
    if (deliveries.length > 0) this.options.recorded();
  }

  private deliveriesOf(partition: number, events: readonly SequencedEvent[], time: Date): NewDelivery[] {
    const deliveries: NewDelivery[] = [];
    const endpoints = this.options.endpoints();
    if (endpoints.length === 0) return deliveries;
    for (const sequenced of events) {
      const wanting = endpoints.filter((endpoint) => matchesEventType(endpoint.eventTypes, sequenced.event.type));
      if (wanting.length === 0) continue;
      const envelope = envelopeOf(partition, sequenced, time);
      const body = JSON.stringify(envelope);
      const eventId = BigInt(envelope.id);
      for (const endpoint of wanting) deliveries.push({ webhookId: endpoint.webhookId, eventId, eventType: envelope.type, body });
    }
    return deliveries;
  }
}
