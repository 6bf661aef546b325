import type { CommitSubscriber } from '../../src/engine/committed-batch.js';
import type { BatchStats } from './batch-stats.js';

/**
 * The bench's subscriber to the engine's committed batches: they feed `batches`, and the first
 * five failed batches are printed (none once the run is interrupted). Its buffer is large enough
 * that no batch of a measured window is dropped.
 */
export function batchStatsSubscriber(name: string, batches: BatchStats, out: (line: string) => void, interrupted: () => boolean): { subscribers: CommitSubscriber[] } {
  const subscriber: CommitSubscriber = {
    name: 'bench-batch-stats',
    bufferedEventsMax: 10_000_000,
    committed: ({ commandCount, commitMs }) => batches.record(commandCount, commitMs),
    failed: ({ partition, error }) => {
      if (!interrupted() && batches.errors.length < 5) {
        batches.errors.push(String(error));
        out(`  ${name}: partition ${partition} batch failed: ${String(error)}`);
      }
    },
  };
  return { subscribers: [subscriber] };
}
