import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CommitSubscriber, CommittedBatch, FailedBatch, FaultedCommand, SubscriberFigures, Subscription } from './committed-batch.js';

/** Events a subscriber may have waiting unless it names its own limit (about 20 MB of them). */
const bufferedEventsMaxDefault = 65_536;
const bufferedEventsMaxLimit = 10_000_000;
/** Failure notifications waiting per subscriber; past it they are dropped and counted too. */
const failuresBufferedMax = 1024;

type Failure = { readonly kind: 'failed'; readonly batch: FailedBatch } | { readonly kind: 'faulted'; readonly fault: FaultedCommand };

/**
 * Fans each partition's committed batches, failed batches and faulted commands out to
 * subscribers. A writer only appends to bounded buffers: it never waits on a subscriber, and a
 * slow or stuck one loses the newest committed batches past its buffer (counted in its figures,
 * and visible as a jump in `firstSequence`) rather than holding memory without limit or slowing
 * a commit.
 */
export class CommitObserver {
  private readonly queues = new Set<SubscriberQueue>();

  subscribe(subscriber: CommitSubscriber): Subscription {
    const queue = new SubscriberQueue(subscriber);
    this.queues.add(queue);
    return {
      figures: () => queue.figures(),
      unsubscribe: () => {
        this.queues.delete(queue);
        queue.close();
      },
    };
  }

  /** True when some subscriber reads committed batches: otherwise the writer need not build them. */
  get wantsCommitted(): boolean {
    for (const queue of this.queues) if (queue.wantsCommitted) return true;
    return false;
  }

  committed(batch: CommittedBatch): void {
    for (const queue of this.queues) queue.offerCommitted(batch);
  }

  failed(batch: FailedBatch): void {
    for (const queue of this.queues) queue.offerFailure({ kind: 'failed', batch });
  }

  faulted(fault: FaultedCommand): void {
    for (const queue of this.queues) queue.offerFailure({ kind: 'faulted', fault });
  }

  figures(): SubscriberFigures[] {
    return [...this.queues].map((queue) => queue.figures());
  }
}

class SubscriberQueue {
  private readonly batches: CommittedBatch[] = [];
  private readonly failures: Failure[] = [];
  private readonly bufferedEventsMax: number;
  private bufferedEvents = 0;
  private delivering = false;
  private closed = false;
  private delivered = 0;
  private dropped = 0;
  private failedCalls = 0;

  constructor(private readonly subscriber: CommitSubscriber) {
    this.bufferedEventsMax = subscriber.bufferedEventsMax ?? bufferedEventsMaxDefault;
    if (!Number.isInteger(this.bufferedEventsMax) || this.bufferedEventsMax < 1 || this.bufferedEventsMax > bufferedEventsMaxLimit) {
      throw new Error(`subscriber ${subscriber.name}: bufferedEventsMax must be an integer from 1 to ${bufferedEventsMaxLimit}`);
    }
  }

  get wantsCommitted(): boolean {
    return this.subscriber.committed !== undefined;
  }

  offerCommitted(batch: CommittedBatch): void {
    if (this.closed || this.subscriber.committed === undefined) return;
    const weight = weightOf(batch);
    if (this.batches.length > 0 && this.bufferedEvents + weight > this.bufferedEventsMax) {
      this.dropped += 1;
      return;
    }
    this.batches.push(batch);
    this.bufferedEvents += weight;
    this.startDelivery();
  }

  offerFailure(failure: Failure): void {
    if (this.closed || this.handlerOf(failure) === undefined) return;
    if (this.failures.length >= failuresBufferedMax) {
      this.dropped += 1;
      return;
    }
    this.failures.push(failure);
    this.startDelivery();
  }

  close(): void {
    this.closed = true;
    this.batches.length = 0;
    this.failures.length = 0;
    this.bufferedEvents = 0;
  }

  figures(): SubscriberFigures {
    return {
      name: this.subscriber.name,
      delivered: this.delivered,
      dropped: this.dropped,
      failed: this.failedCalls,
      buffered: this.batches.length + this.failures.length,
      bufferedEvents: this.bufferedEvents,
    };
  }

  private startDelivery(): void {
    if (this.delivering) return;
    this.delivering = true;
    // Failures start in a microtask, so a synchronous handler has seen them before the batch's
    // callers continue; committed batches wait for the next turn, after the writer's own work.
    queueMicrotask(() => void this.deliver());
  }

  private async deliver(): Promise<void> {
    for (;;) {
      const failure = this.failures.shift();
      if (failure !== undefined) {
        await this.call(() => this.callFailure(failure));
        continue;
      }
      if (this.batches.length === 0) break;
      await nextTurn();
      // A failure that arrived meanwhile goes first.
      const batch = this.failures.length > 0 ? undefined : this.batches.shift();
      if (batch === undefined) continue;
      this.bufferedEvents -= weightOf(batch);
      await this.call(() => this.subscriber.committed?.(batch));
    }
    // No await between the last look and this: nothing offered meanwhile is left unscheduled.
    this.delivering = false;
  }

  /** Runs one handler call; a synchronous handler is not awaited, a throw or rejection is counted. */
  private async call(handler: () => void | Promise<void>): Promise<void> {
    try {
      const pending = handler();
      if (pending !== undefined) await pending;
      this.delivered += 1;
    } catch {
      this.failedCalls += 1;
    }
  }

  private callFailure(failure: Failure): void | Promise<void> {
    return failure.kind === 'failed' ? this.subscriber.failed?.(failure.batch) : this.subscriber.faulted?.(failure.fault);
  }

  private handlerOf(failure: Failure): unknown {
    return failure.kind === 'failed' ? this.subscriber.failed : this.subscriber.faulted;
  }
}

/** What a batch costs a buffer: its events, and one for the batch itself (its balances are as many as its players). */
function weightOf(batch: CommittedBatch): number {
  return batch.events.length + batch.balances.length + 1;
}
