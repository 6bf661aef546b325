import { subjectMatches, type BusHealth, type BusMessage, type BusSubscription, type EventBus, type PublishAck } from './event-bus.js';

/** Ids remembered for deduplication; the oldest are forgotten past it (a duplicate window by count). */
export const inProcessIdsRememberedMax = 100_000;

/**
 * The embedded bus: delivers each message to this process's subscribers and keeps nothing. It
 * deduplicates by id like JetStream, within the last `inProcessIdsRememberedMax` ids, so the
 * relay behaves the same on both adapters.
 */
export class InProcessBus implements EventBus {
  readonly kind = 'embedded';
  private readonly handlers = new Set<{ readonly pattern: string; readonly handler: (message: BusMessage) => void }>();
  private readonly seen = new Set<string>();

  publish(message: BusMessage): Promise<PublishAck> {
    if (this.seen.has(message.id)) return Promise.resolve({ duplicate: true });
    this.remember(message.id);
    for (const entry of this.handlers) {
      if (!subjectMatches(entry.pattern, message.subject)) continue;
      try {
        entry.handler(message);
      } catch {
        // A subscriber's fault is its own: the message stays published for the others.
      }
    }
    return Promise.resolve({ duplicate: false });
  }

  subscribe(pattern: string, handler: (message: BusMessage) => void): BusSubscription {
    const entry = { pattern, handler };
    this.handlers.add(entry);
    return { unsubscribe: () => this.handlers.delete(entry) };
  }

  health(): BusHealth {
    return { kind: 'embedded', connected: true, problem: null };
  }

  close(): Promise<void> {
    this.handlers.clear();
    return Promise.resolve();
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size <= inProcessIdsRememberedMax) return;
    const oldest = this.seen.values().next();
    if (oldest.done !== true) this.seen.delete(oldest.value);
  }
}
