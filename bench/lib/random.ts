/**
 * Deterministic randomness for the benchmark: a seeded 32-bit PRNG (mulberry32) and a Zipf
 * sampler over ranks 0..n-1 with a precomputed CDF and binary search.
 */

/** mulberry32: tiny, fast, good enough for workload generation. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [low, high], both inclusive. */
export function uniformInt(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/**
 * Zipf over ranks 0..n-1: P(rank k) ∝ 1 / (k + 1)^s. Rank 0 is the hottest item.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    readonly s: number,
    private readonly random: () => number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new Error('Zipf: n must be a positive integer');
    if (!(s >= 0)) throw new Error('Zipf: s must be >= 0');
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k += 1) {
      total += 1 / Math.pow(k + 1, s);
      this.cdf[k] = total;
    }
    for (let k = 0; k < n; k += 1) this.cdf[k] = (this.cdf[k] as number) / total;
    this.cdf[n - 1] = 1;
  }

  /** Probability of rank k (for reporting the skew). */
  probability(k: number): number {
    const upper = this.cdf[k] ?? 0;
    const lower = k === 0 ? 0 : (this.cdf[k - 1] ?? 0);
    return upper - lower;
  }

  /** The smallest rank whose CDF exceeds a uniform draw. */
  next(): number {
    const u = this.random();
    let low = 0;
    let high = this.n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cdf[mid] as number) > u) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
