import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Croupier } from '../../croupier.js';
import type { Accepted } from '../../core/outcome.js';
import { historyPageMax, type HistoryItem, type HistoryReader } from '../../ports/history-reader.js';
import type { ProviderRegistry } from '../provider/provider-registry.js';
import type { RateLimits } from '../rate-limits.js';
import { balanceOf, sendError, sendOutcome } from '../replies.js';
import {
  DepositBody,
  ErrorBody,
  HistoryEntry,
  HistoryPage,
  HistoryQuery,
  Id,
  Player,
  PlayerParams,
  ProviderRegistration,
  ProviderView,
  RegisterPlayerBody,
  TransferBody,
  TransferReply,
} from '../schemas.js';
import { Type } from 'typebox';
import { bonusRoutes } from './bonus-routes.js';
import { keyFingerprint, matchKey } from './operator-keys.js';
import { playerView } from './player-view.js';

export interface OperatorRouteOptions {
  readonly croupier: Croupier;
  readonly history: HistoryReader;
  readonly providers: ProviderRegistry;
  readonly rateLimits: RateLimits;
  readonly keys: readonly string[];
}

/** Operator transactions share one idempotency scope. */
export const operatorSource = 'operator';
const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const security = [{ operatorKey: [] }];

export async function operatorRoutes(app: FastifyInstance, options: OperatorRouteOptions): Promise<void> {
  const { croupier, history, providers, rateLimits, keys } = options;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const authorization = request.headers.authorization;
    const presented = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    const key = presented === '' ? null : matchKey(keys, presented);
    if (key === null) return sendError(reply, 'UNAUTHORIZED', 'missing or unknown operator API key (Authorization: Bearer <key>)');
    const fingerprint = keyFingerprint(key);
    request.log = request.log.child({ operatorKey: fingerprint });
    const limited = await rateLimits.consume('operator', fingerprint);
    if (limited !== null) return sendError(reply.header('Retry-After', String(limited.retryAfterSeconds)), 'RATE_LIMITED', 'this operator key sends too many requests');
    return undefined;
  });

  const player = (accepted: Accepted) => playerView(accepted);
  const transfer = (transactionId: string) => (accepted: Accepted) => ({
    transaction_id: transactionId,
    player_id: accepted.playerId,
    balance: balanceOf(accepted),
    currency: accepted.currency,
    duplicate: accepted.duplicate,
  });

  api.post('/v1/players', { schema: { tags: ['players'], security, body: RegisterPlayerBody, response: { 200: Player, 201: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'register', playerId: request.body.player_id, currency: request.body.currency });
    // A player that exists identically is answered 200, a new one 201.
    return sendOutcome(reply, outcome, player, outcome.ok && outcome.duplicate ? 200 : 201);
  });

  api.get('/v1/players/:player_id', { schema: { tags: ['players'], security, params: PlayerParams, response: { 200: Player, ...errors } } }, async (request, reply) => {
    return sendOutcome(reply, await croupier.execute({ kind: 'balance', playerId: request.params.player_id }), player);
  });

  api.post('/v1/players/:player_id/deposits', { schema: { tags: ['players'], security, params: PlayerParams, body: DepositBody, response: { 200: TransferReply, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({
      kind: 'deposit',
      source: operatorSource,
      transactionId: request.body.transaction_id,
      playerId: request.params.player_id,
      amount: request.body.amount,
      bonusCode: request.body.bonus_code ?? null,
    });
    return sendOutcome(reply, outcome, transfer(request.body.transaction_id));
  });

  api.post('/v1/players/:player_id/withdrawals', { schema: { tags: ['players'], security, params: PlayerParams, body: TransferBody, response: { 200: TransferReply, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({
      kind: 'withdrawal',
      source: operatorSource,
      transactionId: request.body.transaction_id,
      playerId: request.params.player_id,
      amount: request.body.amount,
    });
    return sendOutcome(reply, outcome, transfer(request.body.transaction_id));
  });

  for (const kind of ['block', 'unblock'] as const) {
    api.post(`/v1/players/:player_id/${kind}`, { schema: { tags: ['players'], security, params: PlayerParams, response: { 200: Player, ...errors } } }, async (request, reply) => {
      return sendOutcome(reply, await croupier.execute({ kind, playerId: request.params.player_id }), player);
    });
  }

  api.get(
    '/v1/players/:player_id/transactions',
    { schema: { tags: ['players'], security, params: PlayerParams, querystring: HistoryQuery, response: { 200: HistoryPage, ...errors } } },
    async (request, reply) => {
      const limit = Math.min(Number(request.query.limit ?? 50), historyPageMax);
      const exists = await croupier.execute({ kind: 'balance', playerId: request.params.player_id });
      if (!exists.ok) return sendError(reply, exists.code, exists.message);
      const items = await history.page(request.params.player_id, limit, request.query.cursor === undefined ? null : BigInt(request.query.cursor));
      const last = items.at(-1);
      return { items: items.map(historyEntry), next_cursor: items.length === limit && last !== undefined ? last.ledgerId.toString() : null };
    },
  );

  api.get(
    '/v1/transactions/:source/:transaction_id',
    {
      schema: {
        tags: ['transactions'],
        description: 'Looks one transaction up by its source ("operator" or a provider id) and id: did this operation land?',
        security,
        params: Type.Object({ source: Id, transaction_id: Id }, { additionalProperties: false }),
        response: { 200: HistoryEntry, ...errors },
      },
    },
    async (request, reply) => {
      const item = await history.find(request.params.source, request.params.transaction_id);
      if (item === undefined || item.kind === 'tombstone') return sendError(reply, 'TRANSACTION_NOT_FOUND', `no transaction ${request.params.transaction_id} from ${request.params.source}`);
      return historyEntry(item);
    },
  );

  await api.register(bonusRoutes, { croupier });

  api.post('/v1/providers', { schema: { tags: ['providers'], security, body: ProviderRegistration, response: { 201: ProviderView, ...errors } } }, async (request, reply) => {
    const { provider_id: providerId, secret, rollback_unknown: rollbackUnknown = 'ok' } = request.body;
    if (providerId === operatorSource) return sendError(reply, 'VALIDATION_ERROR', `"${operatorSource}" is reserved for operator transactions`);
    if (providers.isFromEnvironment(providerId)) return sendError(reply, 'VALIDATION_ERROR', `provider ${providerId} is configured by CROUPIER_PROVIDERS and cannot be changed here`);
    await providers.register({ providerId, secret, rollbackUnknown });
    return reply.code(201).send({ provider_id: providerId, rollback_unknown: rollbackUnknown, configured_by: 'operator' });
  });

  api.get('/v1/providers', { schema: { tags: ['providers'], security, response: { 200: Type.Object({ items: Type.Array(ProviderView) }), ...errors } } }, async () => ({
    items: providers.list().map((provider) => ({ provider_id: provider.providerId, rollback_unknown: provider.rollbackUnknown, configured_by: provider.configuredBy })),
  }));
}

function historyEntry(item: HistoryItem) {
  return {
    ledger_id: item.ledgerId.toString(),
    transaction_id: item.transactionId,
    type: item.kind,
    amount: item.amount.toString(),
    currency: item.currency,
    cash: item.cashDelta.toString(),
    bonus: item.bonusDelta.toString(),
    round_id: item.roundId,
    game_id: item.gameId,
    provider: item.source === operatorSource ? null : item.source,
    reference_transaction_id: item.referenceTransactionId,
    created_at: item.createdAt.toISOString(),
  };
}
