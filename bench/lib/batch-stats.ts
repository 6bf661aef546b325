import { Samples } from './stats.js';

/** Group-commit statistics of the measured window, from the engine's committed batches (a commit subscriber). */
export class BatchStats {
  active = false;
  batches = 0;
  commands = 0;
  readonly commitMs = new Samples();
  readonly errors: string[] = [];

  record(size: number, commitMs: number): void {
    if (!this.active) return;
    this.batches += 1;
    this.commands += size;
    this.commitMs.add(commitMs);
  }
}
