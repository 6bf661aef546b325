/**
 * Every business outcome is a value with a stable code, never an exception.
 * Exceptions are reserved for broken invariants (bugs).
 */
export const errorCodes = [
  'VALIDATION_ERROR',
  'CURRENCY_MISMATCH',
  'INVALID_SIGNATURE',
  'UNAUTHORIZED',
  'PLAYER_BLOCKED',
  'PLAYER_NOT_FOUND',
  'ROUND_NOT_FOUND',
  'BET_NOT_FOUND',
  'TRANSACTION_NOT_FOUND',
  'CAMPAIGN_NOT_FOUND',
  'BONUS_NOT_FOUND',
  'BONUS_NOT_AVAILABLE',
  'ROUTE_NOT_FOUND',
  'PLAYER_EXISTS',
  'DUPLICATE_TRANSACTION',
  'TRANSACTION_ROLLED_BACK',
  'ALREADY_SETTLED',
  'INSUFFICIENT_FUNDS',
  'MAX_BET_EXCEEDED',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'UNAVAILABLE',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T> = Success<T> | Failure;

export function failure(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}

export function success<T>(value: T): Success<T> {
  return { ok: true, value };
}

/** A broken invariant: a bug, never a business outcome. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
