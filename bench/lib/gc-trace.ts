/**
 * The service's garbage collections, read from its stdout when it runs with `--trace-gc-nvp`
 * (bench:http --gc-trace): V8 prints one `name=value` line per collection, timed in
 * milliseconds since the process started. The fields read here are the ones that told where the
 * half-peak tail came from: each pause, and what a scavenge had to copy (survivors, promotions)
 * or finalise (weak handles of native objects).
 */
export interface Collection {
  /** `performance.now()` of this (the bench) process when the collection ended, about. */
  readonly at: number;
  readonly scavenge: boolean;
  readonly pauseMs: number;
  readonly survivedBytes: number;
  readonly promotedBytes: number;
  readonly weakHandlesMs: number;
}

export interface GcSummary {
  readonly scavenges: number;
  readonly scavengePauseAvgMs: number | null;
  readonly scavengePauseMaxMs: number | null;
  readonly survivedAvgBytes: number | null;
  readonly promotedAvgBytes: number | null;
  readonly weakHandlesAvgMs: number | null;
  /** Every other kind (mark-compact above all): how many, and the longest pause. */
  readonly others: number;
  readonly otherPauseMaxMs: number | null;
}

const collectionsMax = 100_000;

export class GcTrace {
  private readonly collections: Collection[] = [];
  private pending = '';

  /** `startedAt`: `performance.now()` when the traced process was spawned. */
  constructor(private readonly startedAt: number) {}

  read(chunk: string): void {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      const collection = this.parse(line);
      if (collection !== null && this.collections.length < collectionsMax) this.collections.push(collection);
    }
  }

  /** The collections that ended between `from` and `to` (`performance.now()` of this process). */
  summary(from: number, to: number): GcSummary {
    const inWindow = this.collections.filter((collection) => collection.at >= from && collection.at <= to);
    const scavenges = inWindow.filter((collection) => collection.scavenge);
    const others = inWindow.filter((collection) => !collection.scavenge);
    const average = (pick: (collection: Collection) => number): number | null =>
      scavenges.length === 0 ? null : scavenges.reduce((sum, collection) => sum + pick(collection), 0) / scavenges.length;
    const maximum = (of: readonly Collection[]): number | null => (of.length === 0 ? null : Math.max(...of.map((collection) => collection.pauseMs)));
    return {
      scavenges: scavenges.length,
      scavengePauseAvgMs: average((collection) => collection.pauseMs),
      scavengePauseMaxMs: maximum(scavenges),
      survivedAvgBytes: average((collection) => collection.survivedBytes),
      promotedAvgBytes: average((collection) => collection.promotedBytes),
      weakHandlesAvgMs: average((collection) => collection.weakHandlesMs),
      others: others.length,
      otherPauseMaxMs: maximum(others),
    };
  }

  private parse(line: string): Collection | null {
    const timed = /\]\s+(\d+) ms: (pause=.*)$/.exec(line);
    if (timed?.[1] === undefined || timed[2] === undefined) return null;
    const fields = new Map<string, string>();
    for (const pair of timed[2].split(' ')) {
      const equals = pair.indexOf('=');
      if (equals > 0) fields.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
    const number = (name: string): number => Number(fields.get(name) ?? 'NaN');
    if (!fields.has('gc')) return null;
    return {
      at: this.startedAt + Number(timed[1]),
      scavenge: fields.get('gc') === 's',
      pauseMs: number('pause'),
      survivedBytes: number('new_space_survived'),
      promotedBytes: number('promoted'),
      weakHandlesMs: number('heap.external_weak_global_handles'),
    };
  }
}
