/**
 * PostgreSQL array literals, built directly: a batch sends a few dozen arrays of up to
 * batchSizeMax elements, and node-postgres' generic per-element escaping showed up as one of the
 * larger costs of a commit. Elements are quoted; the rare one with a quote or backslash is escaped.
 */
export function textArray(values: readonly (string | null)[]): string {
  let literal = '{';
  for (let index = 0; index < values.length; index += 1) {
    if (index > 0) literal += ',';
    const value = values[index];
    literal += value === null || value === undefined ? 'NULL' : `"${needsEscape(value) ? value.replace(/[\\"]/g, '\\$&') : value}"`;
  }
  return `${literal}}`;
}

export function integerArray(values: readonly (bigint | number)[]): string {
  return `{${values.join(',')}}`;
}

function needsEscape(value: string): boolean {
  return value.includes('"') || value.includes('\\');
}
