import { domainErrorCodes, type DomainErrorCode } from '../core/result.js';

/** Codes only the HTTP layer gives: the core never sees keys, signatures, routes or request rates. */
export const transportErrorCodes = [
  'INVALID_SIGNATURE',
  'UNAUTHORIZED',
  'ROUTE_NOT_FOUND',
  'RATE_LIMITED',
  'METHOD_NOT_ALLOWED',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'INVALID_TOKEN',
  'TOO_MANY_CONNECTIONS',
  'UPGRADE_REQUIRED',
] as const;

export type TransportErrorCode = (typeof transportErrorCodes)[number];

/** Codes of the operator's changes made outside the engine: providers and campaigns are created once, then changed explicitly. */
export const registrationErrorCodes = ['PROVIDER_EXISTS', 'PROVIDER_NOT_FOUND', 'CAMPAIGN_EXISTS', 'WEBHOOK_NOT_FOUND'] as const;

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
  VALIDATION_ERROR: { status: 400, description: 'The request is malformed: bad JSON, a key sent twice in one object, a JSON number that is not an exact integer of at most 2^53 - 1 (send amounts as strings of digits), unknown or missing fields, wrong types, an id or amount out of range, or an HTTP request Node cannot parse (a malformed request line, a header without a colon).' },
  CURRENCY_MISMATCH: { status: 400, description: "The request's currency is not the player's currency." },
  INVALID_SIGNATURE: { status: 401, description: 'The provider call is not signed as docs/architecture.md §5 says; the message names the cause: unknown provider, a missing X-Provider-Id, X-Timestamp or X-Signature header, a malformed timestamp, one more than 300 s behind or ahead of the server, a malformed or wrong signature, or a body not sent as application/json.' },
  UNAUTHORIZED: { status: 401, description: 'Missing or unknown operator API key.' },
  INVALID_TOKEN: { status: 401, description: 'GET /v1/stream without a valid player token: none sent, expired, malformed, or signed with another secret; the message says which. POST /v1/players/{id}/tokens issues a new one.' },
  PLAYER_BLOCKED: { status: 403, description: 'The player is blocked: bets, deposits, bonus grants and bonus opt-ins are refused (wins, rollbacks, withdrawals and bonus cancellations are not).' },
  PLAYER_NOT_FOUND: { status: 404, description: 'No player with this id.' },
  ROUND_NOT_FOUND: { status: 404, description: 'A win for a round in which this player has no bet.' },
  BET_NOT_FOUND: { status: 404, description: 'The rollback names a bet that does not exist (when the provider asks for errors), or that is not a bet of this player in this round.' },
  TRANSACTION_NOT_FOUND: { status: 404, description: 'No transaction with this source and id (operator look-up).' },
  CAMPAIGN_NOT_FOUND: { status: 404, description: 'No campaign with this id or code.' },
  PROVIDER_NOT_FOUND: { status: 404, description: 'No provider with this id (for a change: none registered through the API).' },
  WEBHOOK_NOT_FOUND: { status: 404, description: 'No webhook with this id (it may have been removed).' },
  BONUS_NOT_FOUND: { status: 404, description: 'No bonus grant with this id for this player.' },
  BONUS_NOT_AVAILABLE: { status: 409, description: 'The campaign cannot be granted now: outside its active window, another currency, the deposit is below its minimum, or the player reached its maximum grants.' },
  ROUTE_NOT_FOUND: { status: 404, description: 'No such endpoint.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The endpoint exists, but not with this method; the Allow header lists the methods it takes.' },
  REQUEST_TIMEOUT: { status: 408, description: 'The request was not received in full within 10 s; the connection is closed.' },
  UPGRADE_REQUIRED: { status: 426, description: 'GET /v1/stream is a WebSocket: a plain HTTP request without the upgrade headers is refused.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is over 16 KiB (16384 bytes), the limit of both APIs.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body is not sent as Content-Type: application/json, the only media type both APIs take.' },
  HEADERS_TOO_LARGE: { status: 431, description: "The request line and headers are over 16 KiB, Node's limit; the connection is closed." },
  PLAYER_EXISTS: { status: 409, description: 'The player already exists with another currency.' },
  PROVIDER_EXISTS: { status: 409, description: 'A provider with this id exists with another secret or settings, or is configured by CROUPIER_PROVIDERS: registering is create-only (PATCH changes settings, a secret rotation the secret).' },
  CAMPAIGN_EXISTS: { status: 409, description: 'A campaign with this id exists with other terms: creating is create-only (PATCH /v1/campaigns/{id} changes it).' },
  DUPLICATE_TRANSACTION: { status: 409, description: 'The transaction id was already used with other parameters.' },
  TRANSACTION_ROLLED_BACK: { status: 409, description: 'The bet was rolled back (possibly before it arrived), or a win names a round whose bets were all rolled back.' },
  ALREADY_SETTLED: { status: 409, description: "The bet's round is already paid; it can no longer be rolled back." },
  INSUFFICIENT_FUNDS: { status: 422, description: 'The balance does not cover the amount.' },
  MAX_BET_EXCEEDED: { status: 422, description: 'The stake is above the maximum bet allowed while a bonus is being wagered.' },
  AMOUNT_LIMIT_EXCEEDED: { status: 422, description: "The amount is above the currency's maximum per transaction (configurable: CROUPIER_TRANSACTION_MAX; docs/architecture.md §2 lists the defaults)." },
  BALANCE_LIMIT_EXCEEDED: { status: 422, description: "A deposit or bonus grant would take the player's cash + bonus above the currency's maximum balance (CROUPIER_BALANCE_MAX); wins and rollbacks are never refused for it." },
  WIN_LIMIT_EXCEEDED: { status: 422, description: "The win is above the provider's maximum win, or would take the round's wins above the provider's maximum payout per round (set per provider with PATCH /v1/providers/{id})." },
  TOO_MANY_CONNECTIONS: { status: 429, description: 'GET /v1/stream: the player has as many sockets open as it may (8 by default), or this node holds its maximum; the message says which.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests for this provider or operator key; retry after the Retry-After header.' },
  INTERNAL_ERROR: { status: 500, description: 'An unexpected error (a bug): nothing of this operation was applied, unless a retry with the same transaction id says duplicate. Other operations are not affected: the engine refuses only the command whose application failed, and logs it with its player.' },
  UNAVAILABLE: { status: 503, description: 'Croupier cannot take the operation now (overloaded, shutting down, or the store did not confirm); retry with the same transaction id.' },
};

export function statusOf(code: ErrorCode): number {
  return errorRegistry[code].status;
}
