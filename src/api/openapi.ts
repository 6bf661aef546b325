import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { effectiveLimits, type MoneyLimitTable } from '../core/money-limits.js';

/**
 * The document at /openapi.json, apart from the routes (each route's schema brings its own
 * summary, operationId, tags and security). test/api/openapi.test.ts holds every route to them.
 */
export function openApiOptions(moneyLimits: MoneyLimitTable): FastifyDynamicSwaggerOptions {
  return { openapi: { ...document, info: { ...document.info, description: `${description} ${limitsText(moneyLimits)}` } } };
}

const description =
  'Seamless-wallet provider API and operator API. Amounts are strings of integer minor units. ' +
  'Bodies are application/json of at most 16 KiB (413 otherwise; 415 for another media type), with no key repeated in an object ' +
  'and JSON numbers only as exact integers of at most 2^53 - 1 (400 VALIDATION_ERROR otherwise). ' +
  'Request line and headers: at most 16 KiB (431). Every refusal is {"error": {"code", "message"}}; the codes are in docs/errors.md.';

/** The money limits this server enforces (configured or default), as the integrator reads them. */
function limitsText(moneyLimits: MoneyLimitTable): string {
  const rows = [...effectiveLimits(moneyLimits)].map(([code, limits]) => `${code} ${limits.transactionMax} / ${limits.balanceMax}`);
  return (
    'Money limits of this server, in minor units, per transaction / per balance (cash + bonus): ' +
    `${rows.join('; ')}. Above them: 422 AMOUNT_LIMIT_EXCEEDED or BALANCE_LIMIT_EXCEEDED, nothing moves ` +
    '(CROUPIER_TRANSACTION_MAX and CROUPIER_BALANCE_MAX set them; a provider may also have a maximum win and round payout: WIN_LIMIT_EXCEEDED).'
  );
}

const document = {
  info: {
    title: 'Croupier',
    version: '0.1.0',
  },
  tags: [
    { name: 'provider', description: 'Seamless-wallet calls a game provider makes, signed with HMAC-SHA256 (docs/architecture.md §5).' },
    { name: 'players', description: 'Players, their accounts and history (operator key).' },
    { name: 'transactions', description: 'Look-up of one committed transaction (operator key).' },
    { name: 'games', description: 'The games catalogue: a category decides what a stake counts towards wagering (operator key).' },
    { name: 'campaigns', description: 'Bonus campaigns (operator key).' },
    { name: 'bonuses', description: "Players' bonus grants and opt-ins (operator key)." },
    { name: 'providers', description: 'Game providers and their secrets (operator key).' },
    { name: 'stream', description: "Live push: a player's events over a WebSocket, opened with a player token the operator issues (README \"Live push\")." },
  ],
  components: {
    securitySchemes: {
      operatorKey: { type: 'http', scheme: 'bearer', description: 'an operator API key (CROUPIER_OPERATOR_KEYS): `Authorization: Bearer <key>`' },
      playerToken: {
        type: 'apiKey',
        in: 'query',
        name: 'token',
        description: 'A player token (JWT, HS256) from POST /v1/players/{player_id}/tokens, in `?token=` or as `Authorization: Bearer <token>`; it opens GET /v1/stream for that player only until it expires.',
      },
      providerSignature: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Signature',
        description:
          'Hex HMAC-SHA256, keyed with the provider secret, of `X-Timestamp + "." + raw body` (the exact bytes sent). ' +
          'Sent with X-Provider-Id (the provider id) and X-Timestamp (unix seconds, within 300 s of the server clock). ' +
          'A refusal is 401 INVALID_SIGNATURE and its message names the cause (docs/architecture.md §5).',
      },
    },
  },
} satisfies NonNullable<FastifyDynamicSwaggerOptions['openapi']>;
