/** What the relay reports for the metrics issue: how far behind the bus is, per partition and in time. */
export interface RelayFigures {
  readonly bus: 'embedded' | 'nats';
  readonly busConnected: boolean;
  /** Events acked by the bus, and those it reported as duplicates (a re-send after a failure or restart). */
  readonly published: number;
  readonly duplicates: number;
  /** Pages that failed to publish or to record (retried). */
  readonly failures: number;
  /** Commit → bus ack, over events published from notifications (catch-up from the store carries no commit time). */
  readonly publishLagMs: LagFigures;
  readonly partitions: readonly PartitionFigures[];
}

export interface LagFigures {
  readonly count: number;
  readonly sumMs: number;
  readonly maxMs: number;
  readonly lastMs: number | null;
}

export interface PartitionFigures {
  readonly partition: number;
  /** The next sequence not yet acked (recorded in the store after each acked page). */
  readonly publishedNext: bigint;
  /** The next sequence past the newest committed batch this relay heard of. */
  readonly committedNext: bigint;
  /** Sequence numbers committed and not yet published: an upper bound (coalesced numbers count too). */
  readonly backlog: bigint;
  /** Whether the relay still reads the store to catch up (start-up, a dropped notification, an overflow). */
  readonly catchingUp: boolean;
}

export class LagRecorder {
  private count = 0;
  private sumMs = 0;
  private maxMs = 0;
  private lastMs: number | null = null;

  record(ms: number): void {
    this.count += 1;
    this.sumMs += ms;
    this.maxMs = Math.max(this.maxMs, ms);
    this.lastMs = ms;
  }

  figures(): LagFigures {
    return { count: this.count, sumMs: this.sumMs, maxMs: this.maxMs, lastMs: this.lastMs };
  }
}
