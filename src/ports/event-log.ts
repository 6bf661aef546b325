import type { SequencedEvent } from '../engine/committed-batch.js';

/**
 * The committed events of a partition read back from the store, in sequence order: what a
 * subscriber that missed notifications (the bus relay after a restart, a WebSocket that
 * reconnects) catches up from. Coalesced `wagering.progressed` events are the only numbers
 * it never returns.
 */
export interface EventLog {
  /** At most `limit` events of the partition numbered above `afterSequence` (-1 reads from the beginning); of one player when `playerId` is given. */
  read(query: EventLogQuery): Promise<SequencedEvent[]>;
}

export interface EventLogQuery {
  readonly partition: number;
  readonly afterSequence: bigint;
  readonly limit: number;
  readonly playerId?: string;
}

/** The most events one read returns. */
export const eventLogPageMax = 10_000;
