/**
 * A query's date-time as a Date, or null when JSON Schema's `date-time` format let through what
 * no clock has (a leap second such as 23:59:60, which Date cannot hold) or what the store cannot
 * compare (year 0, which PostgreSQL refuses). Callers refuse null with VALIDATION_ERROR.
 */
export function instantOf(text: string): Date | null {
  const date = new Date(text);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1 || year > 9999 ? null : date;
}
