import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Croupier } from '../../croupier.js';
import { historyPageMax, type HistoryReader } from '../../ports/history-reader.js';
import { sendError } from '../replies.js';
import { HistoryEntry, HistoryPage, HistoryQuery, Id, PlayerParams } from '../schemas.js';
import { historyEntry } from './history-view.js';
import { errors, security } from './route-settings.js';

/** The largest ledger id: 2^63 - 1, PostgreSQL's bigint. */
const ledgerIdMax = 2n ** 63n - 1n;

/** Committed history: a player's pages, newest first, and one transaction by source and id. */
export function transactionRoutes(app: FastifyInstance, croupier: Pick<Croupier, 'execute'>, history: HistoryReader): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/v1/players/:player_id/transactions',
    {
      schema: {
        summary: "Page a player's history",
        operationId: 'listPlayerTransactions',
        description: 'Committed transactions, newest first; pass next_cursor back as cursor for the next page.',
        tags: ['players'],
        security,
        params: PlayerParams,
        querystring: HistoryQuery,
        response: { 200: HistoryPage, ...errors },
      },
    },
    async (request, reply) => {
      const limit = Math.min(Number(request.query.limit ?? 50), historyPageMax);
      const cursor = request.query.cursor === undefined ? null : BigInt(request.query.cursor);
      // A ledger id is a PostgreSQL bigint: a larger cursor names no page (and would not fit the query).
      if (cursor !== null && cursor > ledgerIdMax) return sendError(reply, 'VALIDATION_ERROR', `cursor ${cursor} is beyond the largest ledger id, ${ledgerIdMax}`);
      const exists = await croupier.execute({ kind: 'balance', playerId: request.params.player_id });
      if (!exists.ok) return sendError(reply, exists.code, exists.message);
      const items = await history.page(request.params.player_id, limit, cursor);
      const last = items.at(-1);
      return { items: items.map(historyEntry), next_cursor: items.length === limit && last !== undefined ? last.ledgerId.toString() : null };
    },
  );

  api.get(
    '/v1/transactions/:source/:transaction_id',
    {
      schema: {
        summary: 'Look a transaction up',
        operationId: 'getTransaction',
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
}
