import type { EngineSettings } from '../../src/engine/limits.js';
import { benchMoneyLimits } from './bench-limits.js';
import type { EngineOptions } from './engine-options.js';

/** The engine settings the command line asks for; the engine's defaults fill in the rest. */
export function engineSettings(options: EngineOptions, store: 'postgres' | 'pglite' = 'postgres'): Partial<EngineSettings> {
  const settings: { -readonly [K in keyof EngineSettings]?: EngineSettings[K] } = { moneyLimits: benchMoneyLimits };
  settings.partitionCount = store === 'postgres' ? options.partitions : options.pglitePartitions;
  const batchSize = store === 'postgres' ? options.batchSize : options.pgliteBatchSize;
  if (batchSize !== undefined) settings.batchSizeMax = batchSize;
  if (options.batchDelay !== undefined) settings.batchDelayMs = options.batchDelay;
  if (options.queueLength !== undefined) settings.queueLengthMax = options.queueLength;
  if (options.history !== undefined) settings.historyPerPlayerMax = options.history;
  if (options.playersCached !== undefined) settings.playersCachedMax = options.playersCached;
  // The queue must hold at least one full batch.
  if (settings.batchSizeMax !== undefined && settings.queueLengthMax === undefined && settings.batchSizeMax > 20_000) {
    settings.queueLengthMax = settings.batchSizeMax;
  }
  return settings;
}
