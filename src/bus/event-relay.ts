import type { CommitSubscriber, CommittedBatch, SequencedEvent } from '../engine/committed-batch.js';
import type { EventLog } from '../ports/event-log.js';
import { eventLogPageMax } from '../ports/event-log.js';
import type { RelayProgressStore } from '../store/relay-progress-store.js';
import { eventSubjectPrefix } from './bus-streams.js';
import { envelopeOf, eventSubject } from './event-envelope.js';
import type { EventBus } from './event-bus.js';
import { LagRecorder, type PartitionFigures, type RelayFigures } from './relay-figures.js';

export interface RelaySettings {
  /** Events published (pipelined on one connection) before one progress write. */
  readonly pageSizeMax: number;
  /** Committed events held per partition from notifications; past it the relay reads them back from the store. */
  readonly cachedEventsMax: number;
  /** Pause after a failed publish or progress write, and while the bus is down. */
  readonly retryMs: number;
  /** Published outbox rows older than this are deleted. */
  readonly retentionMs: number;
  readonly pruneEveryMs: number;
  readonly subjectPrefix: string;
}

/** The engine's own bound on partitions (src/engine/limits.ts). */
const partitionsMax = 4096;

export const relayDefaults: RelaySettings = {
  pageSizeMax: 512,
  cachedEventsMax: 16_384,
  retryMs: 1_000,
  retentionMs: 24 * 3_600_000,
  pruneEveryMs: 60_000,
  subjectPrefix: eventSubjectPrefix,
};

interface PartitionState {
  publishedNext: bigint;
  committedNext: bigint;
  /** Batches heard of and not yet published, in commit order; bounded by cachedEventsMax. */
  readonly cache: CommittedBatch[];
  cachedEvents: number;
  /** The store may hold events the cache does not: read it before trusting the cache. */
  catchingUp: boolean;
  wake: (() => void) | null;
}

/**
 * Publishes every committed event to the bus, in commit order per partition, with its ledger
 * id as the message id, and records progress in the store only after the bus acked a page.
 * It is a commit subscriber whose handler only notes the batch: the publishing runs in one
 * async loop per partition, after the commit and off the writers' path. Whatever it cannot
 * hold or missed (a restart, a dropped notification, an overflow while the bus is down) it
 * reads back from the store, so at-least-once holds and the message id makes it exactly once
 * for JetStream within its duplicate window, and for any consumer that dedupes by id.
 */
export class EventRelay implements CommitSubscriber {
  readonly name = 'event-relay';
  /** Grown on demand: batches may arrive before start() says how many partitions there are. */
  private readonly partitions: PartitionState[] = [];
  private readonly lag = new LagRecorder();
  private published = 0;
  private duplicates = 0;
  private failures = 0;
  private stopped = false;
  private loops: Promise<void>[] = [];
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly settings: RelaySettings,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (!Number.isInteger(settings.pageSizeMax) || settings.pageSizeMax < 1 || settings.pageSizeMax > eventLogPageMax) throw new Error(`invariant violated: a relay page is 1..${eventLogPageMax} events`);
    if (settings.cachedEventsMax < settings.pageSizeMax) throw new Error('invariant violated: the relay caches at least a page of events');
    if (!(settings.retryMs > 0) || !(settings.pruneEveryMs > 0) || !(settings.retentionMs >= 0)) throw new Error('invariant violated: relay intervals are positive');
  }

  /** Notes a committed batch; never waits. Before start() too, so nothing committed meanwhile is missed. */
  committed(batch: CommittedBatch): void {
    const state = this.stateOf(batch.partition);
    if (batch.nextSequence > state.committedNext) state.committedNext = batch.nextSequence;
    if (state.cachedEvents + batch.events.length <= this.settings.cachedEventsMax) {
      state.cache.push(batch);
      state.cachedEvents += batch.events.length;
    }
    state.wake?.();
  }

  /** Loads progress and starts one publishing loop per partition and the outbox pruner. */
  async start(events: EventLog, progress: RelayProgressStore, partitionCount: number): Promise<void> {
    if (!Number.isInteger(partitionCount) || partitionCount < 1 || partitionCount > partitionsMax) throw new Error('invariant violated: the relay needs the partition count');
    if (this.partitions.length > partitionCount) throw new Error(`invariant violated: a batch of partition ${this.partitions.length - 1} arrived, the croupier has ${partitionCount}`);
    const recorded = await progress.load();
    for (let partition = 0; partition < partitionCount; partition += 1) this.stateOf(partition).publishedNext = recorded.get(partition) ?? 0n;
    this.loops = this.partitions.map((state, partition) => this.run(partition, state, events, progress));
    this.pruneTimer = setInterval(() => void this.prune(progress), this.settings.pruneEveryMs);
    this.pruneTimer.unref();
  }

  /** Whether every event heard of is published. */
  get idle(): boolean {
    return this.partitions.every((state) => !state.catchingUp && state.publishedNext >= state.committedNext);
  }

  /** Waits up to `drainMs` for the backlog to empty, then stops; what is left is published at the next start. */
  async stop(drainMs: number): Promise<void> {
    const deadline = Date.now() + drainMs;
    while (!this.idle && Date.now() < deadline && this.loops.length > 0) await sleep(20);
    this.stopped = true;
    if (this.pruneTimer !== null) clearInterval(this.pruneTimer);
    for (const state of this.partitions) state.wake?.();
    await Promise.all(this.loops);
  }

  figures(): RelayFigures {
    const health = this.bus.health();
    const partitions: PartitionFigures[] = this.partitions.map((state, partition) => ({
      partition,
      publishedNext: state.publishedNext,
      committedNext: state.committedNext,
      backlog: state.committedNext > state.publishedNext ? state.committedNext - state.publishedNext : 0n,
      catchingUp: state.catchingUp,
    }));
    return { bus: health.kind, busConnected: health.connected, published: this.published, duplicates: this.duplicates, failures: this.failures, publishLagMs: this.lag.figures(), partitions };
  }

  private stateOf(partition: number): PartitionState {
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitionsMax) throw new Error(`invariant violated: no partition ${partition}`);
    while (this.partitions.length <= partition) this.partitions.push({ publishedNext: 0n, committedNext: 0n, cache: [], cachedEvents: 0, catchingUp: true, wake: null });
    return this.partitions[partition]!;
  }

  private async run(partition: number, state: PartitionState, events: EventLog, progress: RelayProgressStore): Promise<void> {
    while (!this.stopped) {
      if (!state.catchingUp && state.publishedNext >= state.committedNext) {
        await new Promise<void>((resolve) => (state.wake = resolve));
        state.wake = null;
        continue;
      }
      if (!this.bus.health().connected) {
        await sleep(this.settings.retryMs);
        continue;
      }
      try {
        await this.publishNextPage(partition, state, events, progress);
      } catch {
        this.failures += 1;
        await sleep(this.settings.retryMs);
      }
    }
  }

  /** One page: from the cache when it continues where publishing stopped, otherwise from the store. */
  private async publishNextPage(partition: number, state: PartitionState, events: EventLog, progress: RelayProgressStore): Promise<void> {
    dropPublished(state);
    const head = state.cache[0];
    if (!state.catchingUp && head !== undefined && head.firstSequence <= state.publishedNext) {
      const page = head.events.filter((sequenced) => sequenced.sequence >= state.publishedNext);
      await this.publishPage(partition, page, head.committedAt, true);
      await this.advance(partition, state, head.nextSequence, progress);
      return;
    }
    const committedNext = state.committedNext;
    const page = await events.read({ partition, afterSequence: state.publishedNext - 1n, limit: this.settings.pageSizeMax });
    await this.publishPage(partition, page, this.now(), false);
    const last = page.at(-1);
    const complete = page.length < this.settings.pageSizeMax;
    const next = complete ? maximum(committedNext, last === undefined ? 0n : last.sequence + 1n) : (last?.sequence ?? -1n) + 1n;
    await this.advance(partition, state, next, progress);
    // Caught up once the store had no more than a page; the cache takes over from here.
    if (complete) state.catchingUp = false;
  }

  /** Publishes a page pipelined on one connection (so in order); any failure fails the whole page, which is re-sent. */
  private async publishPage(partition: number, page: readonly SequencedEvent[], time: Date, timed: boolean): Promise<void> {
    const encoder = new TextEncoder();
    const acks = await Promise.all(
      page.map((sequenced) => {
        const envelope = envelopeOf(partition, sequenced, time);
        return this.bus.publish({ subject: eventSubject(sequenced.event.type, partition, this.settings.subjectPrefix), id: envelope.id, data: encoder.encode(JSON.stringify(envelope)) });
      }),
    );
    const ackedAt = this.now().getTime();
    for (const ack of acks) {
      if (ack.duplicate) this.duplicates += 1;
      else this.published += 1;
      if (timed) this.lag.record(Math.max(0, ackedAt - time.getTime()));
    }
  }

  private async advance(partition: number, state: PartitionState, next: bigint, progress: RelayProgressStore): Promise<void> {
    if (next <= state.publishedNext) return;
    await progress.record(partition, state.publishedNext, next, this.now());
    state.publishedNext = next;
    dropPublished(state);
  }

  private async prune(progress: RelayProgressStore): Promise<void> {
    const before = new Date(this.now().getTime() - this.settings.retentionMs);
    try {
      // A bounded number of statements per tick: a large backlog of old rows goes over several ticks.
      for (let statement = 0; statement < 10; statement += 1) if ((await progress.prune(before)) === 0) return;
    } catch {
      this.failures += 1;
    }
  }
}

/** Forgets cached batches wholly below the published mark. */
function dropPublished(state: PartitionState): void {
  while (state.cache.length > 0 && (state.cache[0]?.nextSequence ?? 0n) <= state.publishedNext) {
    const batch = state.cache.shift();
    state.cachedEvents -= batch?.events.length ?? 0;
  }
}

function maximum(left: bigint, right: bigint): bigint {
  return left > right ? left : right;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
