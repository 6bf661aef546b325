import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Croupier } from '../../croupier.js';
import type { Accepted } from '../../core/outcome.js';
import type { RateLimits } from '../rate-limits.js';
import { balanceOf, sendError, sendOutcome } from '../replies.js';
import { ErrorBody, ProviderBalanceBody, ProviderHeaders, ProviderMoveBody, ProviderReply, ProviderRollbackBody } from '../schemas.js';
import type { Provider, ProviderRegistry } from './provider-registry.js';
import { signatureIsValid } from './signature.js';

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

const responses = { 200: ProviderReply, '4xx': ErrorBody, '5xx': ErrorBody };

/** The seamless-wallet contract of docs/architecture.md §5: signed balance, bet, win and rollback calls. */
export async function providerRoutes(app: FastifyInstance, options: ProviderRouteOptions): Promise<void> {
  const { croupier, providers, rateLimits, nowSeconds } = options;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  // Runs before the body is validated: an unsigned request is refused as unsigned, whatever its body.
  api.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const providerId = header(request, 'x-provider-id');
    const provider = providerId === undefined ? undefined : providers.find(providerId);
    const signed = { timestamp: header(request, 'x-timestamp'), signature: header(request, 'x-signature'), rawBody: request.rawBody ?? Buffer.alloc(0) };
    if (provider === undefined || !provider.secrets.some((secret) => signatureIsValid(secret, signed, nowSeconds()))) {
      return sendError(reply, 'INVALID_SIGNATURE', 'missing or invalid provider signature, or a timestamp more than 300 s from now');
    }
    const limited = await rateLimits.consume('provider', provider.providerId);
    if (limited !== null) return sendError(reply.header('Retry-After', String(limited.retryAfterSeconds)), 'RATE_LIMITED', `provider ${provider.providerId} sends too many requests`);
    request.provider = provider;
    return undefined;
  });

  // One object shape whether or not a transaction id is answered (the serialiser leaves out undefined).
  const render = (transactionId: string | undefined) => (accepted: Accepted) => ({
    transaction_id: transactionId,
    balance: balanceOf(accepted),
    currency: accepted.currency,
    duplicate: accepted.duplicate,
  });
  const tags = ['provider'];

  api.post('/v1/provider/balance', { schema: { tags, headers: ProviderHeaders, body: ProviderBalanceBody, response: responses } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'balance', playerId: request.body.player_id });
    return sendOutcome(reply, outcome, render(undefined));
  });

  for (const kind of ['bet', 'win'] as const) {
    api.post(`/v1/provider/${kind}`, { schema: { tags, headers: ProviderHeaders, body: ProviderMoveBody, response: responses } }, async (request, reply) => {
      const body = request.body;
      const outcome = await croupier.execute({
        kind,
        source: sourceOf(request),
        transactionId: body.transaction_id,
        playerId: body.player_id,
        roundId: body.round_id,
        gameId: body.game_id,
        amount: body.amount,
        currency: body.currency,
      });
      return sendOutcome(reply, outcome, render(body.transaction_id));
    });
  }

  api.post('/v1/provider/rollback', { schema: { tags, headers: ProviderHeaders, body: ProviderRollbackBody, response: responses } }, async (request, reply) => {
    const body = request.body;
    const outcome = await croupier.execute({
      kind: 'rollback',
      source: sourceOf(request),
      transactionId: body.transaction_id,
      playerId: body.player_id,
      roundId: body.round_id,
      referenceTransactionId: body.reference_transaction_id,
      unknownBet: request.provider?.rollbackUnknown ?? 'ok',
    });
    return sendOutcome(reply, outcome, render(body.transaction_id));
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Transaction ids are unique per provider: the provider id is the idempotency scope. */
function sourceOf(request: FastifyRequest): string {
  const provider = request.provider;
  if (provider === undefined) throw new Error('invariant violated: a provider route runs after authentication');
  return provider.providerId;
}
