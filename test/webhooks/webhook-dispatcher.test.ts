// Goal: the dispatcher records every matching committed event once, whatever notifications it
// missed: a batch that starts past its progress is preceded by the missed events read back from
// the event log, a batch already recorded changes nothing, and progress moves only once stored.
// Full-jitter backoff stays below its exponential bound.
// Method: the dispatcher against an in-memory storage and event log (no database, no clock).
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/core/events.js';
import type { CommittedBatch, SequencedEvent } from '../../src/engine/committed-batch.js';
import type { EventLog, EventLogQuery } from '../../src/ports/event-log.js';
import type { NewDelivery, Webhook, WebhookStorage } from '../../src/ports/webhook-storage.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { backoffMs } from '../../src/webhooks/webhook-sender.js';

const optIn = (sequence: bigint): SequencedEvent => ({ sequence, event: { type: 'bonus.opted_in', playerId: 'p1', campaignId: `c${sequence}` } satisfies DomainEvent });

const endpoint: Webhook = {
  webhookId: 'w1',
  url: 'https://example.com/hook',
  eventTypes: ['bonus.*'],
  secret: 's',
  status: 'active',
  suspendedReason: null,
  suspendedAt: null,
  skippedEvents: 0n,
  createdAt: new Date(0),
};

function fakes(log: SequencedEvent[], startAt: bigint) {
  const recorded: { partition: number; nextSequence: bigint; deliveries: readonly NewDelivery[] }[] = [];
  let failNext = false;
  const storage = {
    progress: async () => new Map([[0, startAt]]),
    record: async (partition: number, nextSequence: bigint, deliveries: readonly NewDelivery[]) => {
      if (failNext) {
        failNext = false;
        throw new Error('store down');
      }
      recorded.push({ partition, nextSequence, deliveries });
    },
  } as unknown as WebhookStorage;
  const events: EventLog = {
    read: async (query: EventLogQuery) => log.filter((sequenced) => sequenced.sequence > query.afterSequence).slice(0, query.limit),
  };
  const dispatcher = new WebhookDispatcher({ storage, events, endpoints: () => [endpoint], pendingPerEndpointMax: 100, catchUpPageSize: 2, now: () => new Date(0), recorded: () => undefined });
  return { dispatcher, recorded, failOnce: () => (failNext = true) };
}

function batchOf(events: SequencedEvent[], firstSequence: bigint, nextSequence: bigint): CommittedBatch {
  return { partition: 0, firstSequence, nextSequence, events, balances: [], commandCount: events.length, commitMs: 1, committedAt: new Date(0) };
}

const eventIds = (recorded: { deliveries: readonly NewDelivery[] }[]) => recorded.flatMap((call) => call.deliveries.map((delivery) => delivery.eventId));

describe('webhook dispatcher', () => {
  it('catches up from its stored progress at start, page by page', async () => {
    const { dispatcher, recorded } = fakes([0n, 1n, 2n, 3n, 4n].map(optIn), 2n);
    await dispatcher.start();
    expect(eventIds(recorded)).toEqual([2n, 3n, 4n]);
    expect(recorded.at(-1)?.nextSequence).toBe(5n);
  });

  it('fills a gap between notified batches from the event log, and ignores a batch already recorded', async () => {
    const log: SequencedEvent[] = [];
    const { dispatcher, recorded } = fakes(log, 0n);
    await dispatcher.start();
    log.push(optIn(0n), optIn(1n));
    await dispatcher.committed(batchOf(log.slice(0, 2), 0n, 2n));
    // The notification of [2, 4) was dropped; the store has it when [4, 6) is notified.
    log.push(optIn(2n), optIn(3n), optIn(4n), optIn(5n));
    await dispatcher.committed(batchOf(log.slice(4), 4n, 6n));
    expect(eventIds(recorded)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    await dispatcher.committed(batchOf(log.slice(4), 4n, 6n));
    expect(eventIds(recorded)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
  });

  it('keeps its progress when a write fails, so the next batch reads back what it held', async () => {
    const log: SequencedEvent[] = [];
    const { dispatcher, recorded, failOnce } = fakes(log, 0n);
    await dispatcher.start();
    log.push(optIn(0n));
    failOnce();
    await expect(dispatcher.committed(batchOf(log.slice(0, 1), 0n, 1n))).rejects.toThrow('store down');
    log.push(optIn(1n));
    await dispatcher.committed(batchOf(log.slice(1), 1n, 2n));
    expect(eventIds(recorded)).toEqual([0n, 1n]);
  });

  it('waits a random time below min(max, base * 2^(attempts - 1))', () => {
    for (const attempts of [1, 2, 3, 10, 40]) {
      const bound = Math.min(60_000, 1_000 * 2 ** (attempts - 1));
      expect(backoffMs(attempts, 1_000, 60_000, () => 0)).toBe(0);
      expect(backoffMs(attempts, 1_000, 60_000, () => 0.999999)).toBeLessThan(bound);
      expect(backoffMs(attempts, 1_000, 60_000, () => 0.999999)).toBeGreaterThanOrEqual(Math.floor(bound * 0.99));
    }
  });
});
