/** Cells of the benches' fixed-width tables: right-aligned unless `left`. */
export function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

/** A figure with `digits` decimals, or '-' when there is none (null, or NaN from an empty window). */
export function fmt(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}
