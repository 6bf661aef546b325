import type { DomainEvent } from '../core/events.js';
import type { PlayerStatus } from '../core/player.js';

/**
 * An event with its number in the partition's sequence: `ledgerId(partition, sequence)` is a
 * transaction's ledger id or a bonus event's outbox id, so the store can give it back later.
 */
export interface SequencedEvent {
  readonly sequence: bigint;
  readonly event: DomainEvent;
}

/** A player's wallet row as a committed batch left it. */
export interface PlayerBalance {
  readonly playerId: string;
  readonly currency: string;
  readonly status: PlayerStatus;
  readonly cash: bigint;
  readonly bonus: bigint;
}

/** What a partition's writer committed in one batch, in sequence order. */
export interface CommittedBatch {
  readonly partition: number;
  /**
   * The numbers this batch took from the partition's sequence: [firstSequence, nextSequence).
   * A subscriber that sees a batch start past the last one's `nextSequence` missed something
   * (a dropped notification, or a failed batch that landed after all) and reads it back from the
   * store; gaps inside a batch are coalesced `wagering.progressed` events.
   */
  readonly firstSequence: bigint;
  readonly nextSequence: bigint;
  readonly events: readonly SequencedEvent[];
  readonly balances: readonly PlayerBalance[];
  /** Commands answered by this batch, refusals included. */
  readonly commandCount: number;
  readonly commitMs: number;
  readonly committedAt: Date;
}

/**
 * A batch the store did not confirm: every command of it was answered UNAVAILABLE. Its outcome
 * may be unknown (a lost reply): the next committed batch's `firstSequence` tells whether it landed.
 */
export interface FailedBatch {
  readonly partition: number;
  readonly commandCount: number;
  readonly error: unknown;
}

/**
 * A command whose application threw (a bug, never a business outcome): it alone was refused
 * with INTERNAL_ERROR and nothing of it was committed; the rest of its batch went on.
 */
export interface FaultedCommand {
  readonly partition: number;
  readonly playerId: string;
  readonly commandKind: string;
  readonly error: unknown;
}

/**
 * The one port through which committed changes leave the engine (relay, push, metrics, stats).
 * Handlers run after the commit, never inside it, one notification per turn of the event loop;
 * a handler that throws or rejects is counted and skipped. An async handler is awaited before
 * its next notification, so one subscriber sees its committed batches in commit order (per
 * partition) and never two at once. Handlers share the engine's thread: one that computes for
 * long still takes that time from everything else, so heavy work belongs after an `await`.
 */
export interface CommitSubscriber {
  /** Named in the subscriber's figures and in logs. */
  readonly name: string;
  /**
   * Events (a batch counts one more) held while this subscriber is busy; past it new committed
   * batches are dropped and counted. A batch larger than the whole buffer still enters an empty one.
   */
  readonly bufferedEventsMax?: number;
  committed?(batch: CommittedBatch): void | Promise<void>;
  /** Failures (failed batches, faulted commands) are few and small: they go ahead of committed batches. */
  failed?(batch: FailedBatch): void | Promise<void>;
  faulted?(fault: FaultedCommand): void | Promise<void>;
}

/** A subscriber's figures, for /metrics and for tests. */
export interface SubscriberFigures {
  readonly name: string;
  readonly delivered: number;
  /** Notifications dropped because the buffer was full: the subscriber must catch up from the store. */
  readonly dropped: number;
  /** Handler calls that threw or rejected. */
  readonly failed: number;
  /** Notifications waiting, and the events they hold. */
  readonly buffered: number;
  readonly bufferedEvents: number;
}

export interface Subscription {
  figures(): SubscriberFigures;
  unsubscribe(): void;
}
