import { domainErrorCodes, type DomainErrorCode } from '../core/result.js';

/** Codes only the HTTP layer gives: the core never sees keys, signatures, routes or request rates. */
export const transportErrorCodes = ['INVALID_SIGNATURE', 'UNAUTHORIZED', 'ROUTE_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_ERROR'] as const;

export type TransportErrorCode = (typeof transportErrorCodes)[number];

/** Codes of the operator's changes made outside the engine: providers and campaigns are created once, then changed explicitly. */
export const registrationErrorCodes = ['PROVIDER_EXISTS', 'PROVIDER_NOT_FOUND', 'CAMPAIGN_EXISTS'] as const;

export type RegistrationErrorCode = (typeof registrationErrorCodes)[number];

/** Every code an API answer can carry. */
export type ErrorCode = DomainErrorCode | TransportErrorCode | RegistrationErrorCode;

export const errorCodes: readonly ErrorCode[] = [...domainErrorCodes, ...transportErrorCodes, ...registrationErrorCodes];

export interface ErrorDefinition {
  readonly status: number;
  /** What the code means, for docs/errors.md and for callers that show it. */
  readonly description: string;
}

/**
 * The one map from result code to HTTP status, shared by the provider and operator APIs.
 * `test/api/error-registry.test.ts` checks every code is here and in docs/errors.md.
 */
export const errorRegistry: { readonly [code in ErrorCode]: ErrorDefinition } = {
  VALIDATION_ERROR: { status: 400, description: 'The request is malformed: bad JSON, unknown or missing fields, wrong types, an id or amount out of range.' },
  CURRENCY_MISMATCH: { status: 400, description: "The request's currency is not the player's currency." },
  INVALID_SIGNATURE: { status: 401, description: 'Missing or wrong provider signature, unknown provider, or a timestamp more than 300 s from now.' },
  UNAUTHORIZED: { status: 401, description: 'Missing or unknown operator API key.' },
  PLAYER_BLOCKED: { status: 403, description: 'The player is blocked: bets and deposits are refused (wins, rollbacks and withdrawals are not).' },
  PLAYER_NOT_FOUND: { status: 404, description: 'No player with this id.' },
  ROUND_NOT_FOUND: { status: 404, description: 'A win for a round in which this player has no bet.' },
  BET_NOT_FOUND: { status: 404, description: 'The rollback names a bet that does not exist (when the provider asks for errors), or that is not a bet of this player in this round.' },
  TRANSACTION_NOT_FOUND: { status: 404, description: 'No transaction with this source and id (operator look-up).' },
  CAMPAIGN_NOT_FOUND: { status: 404, description: 'No campaign with this id or code.' },
  PROVIDER_NOT_FOUND: { status: 404, description: 'No provider with this id (for a change: none registered through the API).' },
  BONUS_NOT_FOUND: { status: 404, description: 'No bonus grant with this id for this player.' },
  BONUS_NOT_AVAILABLE: { status: 409, description: 'The campaign cannot be granted now: outside its active window, another currency, the deposit is below its minimum, or the player reached its maximum grants.' },
  ROUTE_NOT_FOUND: { status: 404, description: 'No such endpoint or method.' },
  PLAYER_EXISTS: { status: 409, description: 'The player already exists with another currency.' },
  PROVIDER_EXISTS: { status: 409, description: 'A provider with this id exists with another secret or settings, or is configured by CROUPIER_PROVIDERS: registering is create-only (PATCH changes settings, a secret rotation the secret).' },
  CAMPAIGN_EXISTS: { status: 409, description: 'A campaign with this id exists with other terms: creating is create-only (PATCH /v1/campaigns/{id} changes it).' },
  DUPLICATE_TRANSACTION: { status: 409, description: 'The transaction id was already used with other parameters.' },
  TRANSACTION_ROLLED_BACK: { status: 409, description: 'The bet was rolled back (possibly before it arrived), or a win names a round whose bets were all rolled back.' },
  ALREADY_SETTLED: { status: 409, description: "The bet's round is already paid; it can no longer be rolled back." },
  INSUFFICIENT_FUNDS: { status: 422, description: 'The balance does not cover the amount.' },
  MAX_BET_EXCEEDED: { status: 422, description: 'The stake is above the maximum bet allowed while a bonus is being wagered.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests for this provider or operator key; retry after the Retry-After header.' },
  INTERNAL_ERROR: { status: 500, description: 'An unexpected error; nothing was applied unless a retry with the same transaction id says duplicate.' },
  UNAVAILABLE: { status: 503, description: 'Croupier cannot take the operation now (overloaded, shutting down, or the store did not confirm); retry with the same transaction id.' },
};

export function statusOf(code: ErrorCode): number {
  return errorRegistry[code].status;
}
