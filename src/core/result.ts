/**
 * Every business outcome is a value with a stable code, never an exception.
 * Exceptions are reserved for broken invariants (bugs). These are the codes the core and the
 * engine can give; the codes only the HTTP layer gives (bad key or signature, no such route,
 * rate limits, an unexpected exception) are in `src/api/error-registry.ts`.
 */
export const domainErrorCodes = [
  'VALIDATION_ERROR',
  'CURRENCY_MISMATCH',
  'PLAYER_BLOCKED',
  'PLAYER_NOT_FOUND',
  'ROUND_NOT_FOUND',
  'BET_NOT_FOUND',
  'TRANSACTION_NOT_FOUND',
  'CAMPAIGN_NOT_FOUND',
  'BONUS_NOT_FOUND',
  'BONUS_NOT_AVAILABLE',
  'PLAYER_EXISTS',
  'DUPLICATE_TRANSACTION',
  'TRANSACTION_ROLLED_BACK',
  'ALREADY_SETTLED',
  'INSUFFICIENT_FUNDS',
  'MAX_BET_EXCEEDED',
  'AMOUNT_LIMIT_EXCEEDED',
  'BALANCE_LIMIT_EXCEEDED',
  'WIN_LIMIT_EXCEEDED',
  'UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];

export interface Failure {
  readonly ok: false;
  readonly code: DomainErrorCode;
  readonly message: string;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T> = Success<T> | Failure;

export function failure(code: DomainErrorCode, message: string): Failure {
  return { ok: false, code, message };
}

export function success<T>(value: T): Success<T> {
  return { ok: true, value };
}

/** A broken invariant: a bug, never a business outcome. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
