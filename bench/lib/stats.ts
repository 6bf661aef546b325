/** Latency samples in a growable Float64Array, and percentiles over them. */
export class Samples {
  private values = new Float64Array(1 << 16);
  private size = 0;

  get count(): number {
    return this.size;
  }

  add(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size] = value;
    this.size += 1;
  }

  /** Nearest-rank percentiles (q in 0..1) of everything added so far. */
  percentiles(...qs: number[]): number[] {
    if (this.size === 0) return qs.map(() => Number.NaN);
    const sorted = this.values.slice(0, this.size).sort();
    return qs.map((q) => sorted[Math.min(this.size - 1, Math.max(0, Math.ceil(q * this.size) - 1))] as number);
  }

  mean(): number {
    let sum = 0;
    for (let index = 0; index < this.size; index += 1) sum += this.values[index] as number;
    return this.size === 0 ? Number.NaN : sum / this.size;
  }
}

export function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? null) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
