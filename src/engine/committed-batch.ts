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
  readonly events: readonly SequencedEvent[];
  readonly balances: readonly PlayerBalance[];
  /** Commands answered by this batch, refusals included. */
  readonly commandCount: number;
  readonly commitMs: number;
  readonly committedAt: Date;
}

/** A batch the store did not confirm: every command of it was answered UNAVAILABLE. */
export interface FailedBatch {
  readonly partition: number;
  readonly commandCount: number;
  readonly error: unknown;
}

/**
 * The one port through which committed changes leave the engine (relay, push, metrics, stats).
 * Handlers run after the commit, never inside it; a handler that throws or rejects is counted
 * and skipped. An async handler is awaited before its next notification, so one subscriber sees
 * its notifications in commit order (per partition) and never two at once.
 */
export interface CommitSubscriber {
  /** Named in the subscriber's figures and in logs. */
  readonly name: string;
  /** Notifications held while this subscriber is busy; past it new ones are dropped and counted. */
  readonly bufferMax?: number;
  committed?(batch: CommittedBatch): void | Promise<void>;
  failed?(batch: FailedBatch): void | Promise<void>;
}

/** A subscriber's figures, for /metrics and for tests. */
export interface SubscriberFigures {
  readonly name: string;
  readonly delivered: number;
  /** Notifications dropped because the buffer was full: the subscriber must catch up from the store. */
  readonly dropped: number;
  /** Handler calls that threw or rejected. */
  readonly failed: number;
  readonly buffered: number;
}

export interface Subscription {
  figures(): SubscriberFigures;
  unsubscribe(): void;
}
