import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Croupier } from '../../croupier.js';
import type { Accepted } from '../../core/outcome.js';
import type { RateLimits } from '../rate-limits.js';
import { balanceOf, sendError, sendOutcome } from '../replies.js';
import { ErrorBody, ProviderBalanceBody, ProviderBalanceReply, ProviderHeaders, ProviderMoveBody, ProviderReply, ProviderRollbackBody } from '../schemas.js';
import { moveCommand, moveReply, rollbackCommand } from './provider-calls.js';
import type { Provider, ProviderRegistry } from './provider-registry.js';
import { signatureRefusal } from './signature.js';
import { refusalMessage, type ProviderAuthenticationRefusal, type RefusedCall } from './signature-refusals.js';

declare module 'fastify' {
  interface FastifyRequest {
    provider?: Provider;
  }
}

export interface ProviderRouteOptions {
  readonly croupier: Croupier;
  readonly providers: ProviderRegistry;
  readonly rateLimits: RateLimits;
  readonly nowSeconds: () => number;
}

const refusals = { '4xx': ErrorBody, '5xx': ErrorBody };

/** The seamless-wallet contract of docs/architecture.md §5: signed balance, bet, win and rollback calls. */
export async function providerRoutes(app: FastifyInstance, options: ProviderRouteOptions): Promise<void> {
  const { croupier, providers, rateLimits, nowSeconds } = options;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  // Runs before the body is validated: an unsigned request is refused as unsigned, whatever its body.
  api.addHook('preValidation', authentication(providers, rateLimits, nowSeconds));

  const render = (transactionId: string) => (accepted: Accepted) => moveReply(transactionId, accepted);
  const settings = { tags: ['provider'], security: [{ providerSignature: [] }], headers: ProviderHeaders };

  api.post(
    '/v1/provider/balance',
    {
      schema: {
        ...settings,
        summary: "Read a player's balance",
        operationId: 'providerBalance',
        description: 'Moves nothing; the answer has no transaction id and no duplicate flag.',
        body: ProviderBalanceBody,
        response: { 200: ProviderBalanceReply, ...refusals },
      },
    },
    async (request, reply) => {
      const outcome = await croupier.execute({ kind: 'balance', playerId: request.body.player_id });
      return sendOutcome(reply, outcome, (accepted) => ({ balance: balanceOf(accepted), currency: accepted.currency }));
    },
  );

  const moves = {
    bet: { summary: 'Debit a stake', operationId: 'providerBet', description: 'Debits the stake of a round; a replay of the same transaction id answers the first outcome with duplicate true.' },
    win: { summary: 'Credit a win', operationId: 'providerWin', description: 'Credits a win (0 settles a lost round) to a round in which the player has a bet.' },
  } as const;
  for (const kind of ['bet', 'win'] as const) {
    api.post(`/v1/provider/${kind}`, { schema: { ...settings, ...moves[kind], body: ProviderMoveBody, response: { 200: ProviderReply, ...refusals } } }, async (request, reply) => {
      const body = request.body;
      const outcome = await croupier.execute(moveCommand(kind, body, providerOf(request)));
      return sendOutcome(reply, outcome, render(body.transaction_id));
    });
  }

  const rollback = {
    summary: 'Roll a bet back',
    operationId: 'providerRollback',
    description: 'Returns the stake of a bet whose round is not paid; a rollback of a bet not seen yet marks its id so that the bet is refused if it comes late.',
  };
  api.post('/v1/provider/rollback', { schema: { ...settings, ...rollback, body: ProviderRollbackBody, response: { 200: ProviderReply, ...refusals } } }, async (request, reply) => {
    const body = request.body;
    const outcome = await croupier.execute(rollbackCommand(body, providerOf(request)));
    return sendOutcome(reply, outcome, render(body.transaction_id));
  });
}

/** The provider hook: the signature (each refusal with its cause), then the provider's request rate. */
function authentication(providers: ProviderRegistry, rateLimits: RateLimits, nowSeconds: () => number) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const call = { providerId: header(request, 'x-provider-id'), timestamp: header(request, 'x-timestamp'), nowSeconds: nowSeconds() };
    const provider = call.providerId === undefined ? undefined : providers.find(call.providerId);
    if (provider === undefined) return refuse(reply, call.providerId === undefined ? 'missing_provider_id' : 'unknown_provider', call);
    // No raw body: the call came without one, so no JSON was signed (other media types are refused 415 before this hook).
    const signed = request.rawBody === undefined ? null : { timestamp: call.timestamp, signature: header(request, 'x-signature'), rawBody: request.rawBody };
    const refusal = signed === null ? 'wrong_content_type' : signatureRefusal(provider.secrets, signed, call.nowSeconds);
    if (refusal !== null) return refuse(reply, refusal, call);
    const limited = await rateLimits.consume('provider', provider.providerId);
    if (limited !== null) return sendError(reply.header('Retry-After', String(limited.retryAfterSeconds)), 'RATE_LIMITED', `provider ${provider.providerId} sends too many requests`);
    request.provider = provider;
    return undefined;
  };
}

/** 401 INVALID_SIGNATURE with the cause's own message; the cause goes on the access line. */
function refuse(reply: FastifyReply, reason: ProviderAuthenticationRefusal, call: RefusedCall): FastifyReply {
  return sendError(reply, 'INVALID_SIGNATURE', refusalMessage(reason, call), reason);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The authenticated provider: its id is the idempotency scope, its settings apply to its calls. */
function providerOf(request: FastifyRequest): Provider {
  const provider = request.provider;
  if (provider === undefined) throw new Error('invariant violated: a provider route runs after authentication');
  return provider;
}
