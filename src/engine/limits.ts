import type { FundsOrder } from '../core/funds-order.js';
import { moneyLimitsProblem, type MoneyLimitTable } from '../core/money-limits.js';

/** Every queue, batch and cache of the engine has a named maximum. */
export interface EngineLimits {
  readonly partitionCount: number;
  /** Group commit: a batch closes at this many commands... */
  readonly batchSizeMax: number;
  /** ...or, when the writer was idle, after waiting this long for more, whichever comes first. */
  readonly batchDelayMs: number;
  /** Commands waiting per partition; past it a command is refused with UNAVAILABLE. */
  readonly queueLengthMax: number;
  /** Players whose state a partition keeps in memory; the least recently used are dropped. */
  readonly playersCachedMax: number;
  /** Transactions and rounds remembered per player; older ones are read back from the store. */
  readonly historyPerPlayerMax: number;
  /**
   * Transactions and rounds remembered per partition, over all its players (about 370 bytes of
   * heap each); past it the least recently used players give up their history (their wallets
   * stay cached, up to playersCachedMax, about 770 bytes each). This and playersCachedMax bound
   * the cache's memory: the per-player limit alone would allow 50,000 players × 512 bets, 19 GB.
   */
  readonly historyCachedMax: number;
}

export interface EngineSettings extends EngineLimits {
  readonly fundsOrder: FundsOrder;
  /** Per-currency maxima of one transaction and of a balance (CROUPIER_TRANSACTION_MAX, CROUPIER_BALANCE_MAX); others have their defaults. */
  readonly moneyLimits: MoneyLimitTable;
}

/**
 * Defaults for PostgreSQL. Fewer partitions make bigger batches, which PostgreSQL writes more
 * cheaply per command; more partitions commit more batches in parallel. 8 suits a few cores
 * (4 measured best on the 2-core reference machine; see docs/benchmarks.md).
 */
export const defaultEngineSettings: EngineSettings = {
  partitionCount: 8,
  batchSizeMax: 1024,
  batchDelayMs: 1,
  queueLengthMax: 20_000,
  playersCachedMax: 50_000,
  historyPerPlayerMax: 512,
  // 8 partitions × (250,000 × 370 bytes of history + 50,000 × 770 bytes of wallets) ≈ 1.05 GB of
  // heap at most, within Node's default 4 GB limit.
  historyCachedMax: 250_000,
  fundsOrder: 'bonus_first',
  moneyLimits: new Map(),
};

/** PGlite is one connection in this process: one partition with big batches serves it best. */
export const embeddedEngineDefaults: Partial<EngineSettings> = { partitionCount: 1, batchSizeMax: 4096, queueLengthMax: 40_000 };

export function checkSettings(settings: EngineSettings): void {
  checkLimits(settings);
  const problem = moneyLimitsProblem(settings.moneyLimits);
  if (problem !== null) throw new Error(`invalid money limits: ${problem}`);
}

function checkLimits(limits: EngineLimits): void {
  const checks: [boolean, string][] = [
    [Number.isInteger(limits.partitionCount) && limits.partitionCount >= 1 && limits.partitionCount <= 4096, 'partitionCount must be 1..4096'],
    [Number.isInteger(limits.batchSizeMax) && limits.batchSizeMax >= 1 && limits.batchSizeMax <= 10_000, 'batchSizeMax must be 1..10000'],
    [limits.batchDelayMs >= 0 && limits.batchDelayMs <= 1_000, 'batchDelayMs must be 0..1000'],
    [limits.queueLengthMax >= limits.batchSizeMax, 'queueLengthMax must hold at least one full batch'],
    [limits.playersCachedMax >= limits.batchSizeMax, 'playersCachedMax must hold every player of a full batch'],
    [limits.historyPerPlayerMax >= 1, 'historyPerPlayerMax must be at least 1'],
    [Number.isInteger(limits.historyCachedMax) && limits.historyCachedMax >= 0, 'historyCachedMax must be a non-negative integer'],
  ];
  for (const [ok, message] of checks) {
    if (!ok) throw new Error(`invalid engine limits: ${message}`);
  }
}
