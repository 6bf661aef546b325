import type { CommitSubscriber, CommittedBatch, FailedBatch, SubscriberFigures, Subscription } from './committed-batch.js';

/** Notifications a subscriber may have waiting unless it names its own limit. */
export const subscriberBufferMaxDefault = 1024;
export const subscriberBufferMaxLimit = 1_000_000;

type Notification = { readonly kind: 'committed'; readonly batch: CommittedBatch } | { readonly kind: 'failed'; readonly batch: FailedBatch };

/**
 * Fans each partition's committed (and failed) batches out to subscribers. A writer only
 * appends to bounded buffers: it never waits on a subscriber, and a slow one loses the newest
 * notifications past its buffer (counted in its figures) rather than holding memory without
 * limit or slowing a commit. Delivery starts in a microtask, so a synchronous handler has run
 * before the batch's callers continue.
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
    for (const queue of this.queues) queue.offer({ kind: 'committed', batch });
  }

  failed(batch: FailedBatch): void {
    for (const queue of this.queues) queue.offer({ kind: 'failed', batch });
  }

  figures(): SubscriberFigures[] {
    return [...this.queues].map((queue) => queue.figures());
  }
}

class SubscriberQueue {
  private readonly waiting: Notification[] = [];
  private readonly bufferMax: number;
  private delivering = false;
  private closed = false;
  private delivered = 0;
  private dropped = 0;
  private failures = 0;

  constructor(private readonly subscriber: CommitSubscriber) {
    this.bufferMax = subscriber.bufferMax ?? subscriberBufferMaxDefault;
    if (!Number.isInteger(this.bufferMax) || this.bufferMax < 1 || this.bufferMax > subscriberBufferMaxLimit) {
      throw new Error(`subscriber ${subscriber.name}: bufferMax must be an integer from 1 to ${subscriberBufferMaxLimit}`);
    }
  }

  get wantsCommitted(): boolean {
    return this.subscriber.committed !== undefined;
  }

  offer(notification: Notification): void {
    if (this.closed || this.handlerOf(notification) === undefined) return;
    if (this.waiting.length >= this.bufferMax) {
      this.dropped += 1;
      return;
    }
    this.waiting.push(notification);
    if (!this.delivering) {
      this.delivering = true;
      queueMicrotask(() => void this.deliver());
    }
  }

  close(): void {
    this.closed = true;
    this.waiting.length = 0;
  }

  figures(): SubscriberFigures {
    return { name: this.subscriber.name, delivered: this.delivered, dropped: this.dropped, failed: this.failures, buffered: this.waiting.length };
  }

  private async deliver(): Promise<void> {
    for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
      try {
        const pending = this.call(next);
        // A synchronous handler is not awaited: its next notification needs no extra turn.
        if (pending !== undefined) await pending;
        this.delivered += 1;
      } catch {
        this.failures += 1;
      }
    }
    this.delivering = false;
  }

  private call(notification: Notification): void | Promise<void> {
    if (notification.kind === 'committed') return this.subscriber.committed?.(notification.batch);
    return this.subscriber.failed?.(notification.batch);
  }

  private handlerOf(notification: Notification): unknown {
    return notification.kind === 'committed' ? this.subscriber.committed : this.subscriber.failed;
  }
}
