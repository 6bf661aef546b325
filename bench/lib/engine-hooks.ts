import type { BatchStats } from './batch-stats.js';

/**
 * The engine's batch callbacks (createCroupier's onBatch / onError), kept in this one function so
 * that they are easy to move to the engine's subscriber port: committed batches feed `batches`,
 * and the first five failed batches are printed (none once the run is interrupted).
 */
export function batchHooks(name: string, batches: BatchStats, out: (line: string) => void, interrupted: () => boolean) {
  return {
    onBatch: (_partition: number, size: number, commitMs: number) => batches.record(size, commitMs),
    onError: (partition: number, error: unknown) => {
      if (!interrupted() && batches.errors.length < 5) {
        batches.errors.push(String(error));
        out(`  ${name}: partition ${partition} batch failed: ${String(error)}`);
      }
    },
  };
}
