import { instantOf } from '../instant.js';
import { sendError } from '../replies.js';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Croupier } from '../../croupier.js';
import { playerPageMax, type PlayerDirectory, type PlayerListing } from '../../ports/player-directory.js';
import { sendOutcome } from '../replies.js';
import { Player, PlayerParams, RegisterPlayerBody } from '../schemas.js';
import { auditStamp } from './operator-audit.js';
import { playerPageDefault, PlayerListPage, PlayerListQuery } from './player-list-schemas.js';
import { playerView } from './player-view.js';
import { errors, security } from './route-settings.js';

/** Registering a player, finding players, and reading one back. */
export function playerRoutes(app: FastifyInstance, croupier: Pick<Croupier, 'execute'>, directory: PlayerDirectory): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/players', { schema: { summary: 'Register a player', operationId: 'registerPlayer', tags: ['players'], security, body: RegisterPlayerBody, response: { 200: Player, 201: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'register', playerId: request.body.player_id, currency: request.body.currency, audit: auditStamp(request, 'player.register') });
    // A player that exists identically is answered 200, a new one 201.
    return sendOutcome(reply, outcome, playerView, outcome.ok && outcome.duplicate ? 200 : 201);
  });

  api.get(
    '/v1/players',
    {
      schema: {
        summary: 'Find players',
        operationId: 'listPlayers',
        tags: ['players'],
        description: 'Committed players in id order, a page at a time, narrowed by status, currency, creation time and id prefix.',
        security,
        querystring: PlayerListQuery,
        response: { 200: PlayerListPage, ...errors },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const limit = Math.min(Number(query.limit ?? playerPageDefault), playerPageMax);
      const createdSince = query.created_since === undefined ? null : instantOf(query.created_since);
      if (query.created_since !== undefined && createdSince === null) return sendError(reply, 'VALIDATION_ERROR', 'created_since must be a real instant of the years 0001 to 9999');
      const filter = {
        status: query.status ?? null,
        currency: query.currency ?? null,
        createdSince,
        idPrefix: query.id_prefix ?? null,
      };
      const players = await directory.page(filter, limit, query.cursor ?? null);
      const last = players.at(-1);
      return { items: players.map(listedPlayer), next_cursor: players.length === limit && last !== undefined ? last.playerId : null };
    },
  );

  api.get('/v1/players/:player_id', { schema: { summary: 'Read a player', operationId: 'getPlayer', tags: ['players'], security, params: PlayerParams, response: { 200: Player, ...errors } } }, async (request, reply) => {
    return sendOutcome(reply, await croupier.execute({ kind: 'balance', playerId: request.params.player_id }), playerView);
  });
}

function listedPlayer(player: PlayerListing) {
  return {
    player_id: player.playerId,
    currency: player.currency,
    status: player.status,
    balance: { cash: player.cash.toString(), bonus: player.bonus.toString(), total: (player.cash + player.bonus).toString() },
    created_at: player.createdAt.toISOString(),
  };
}
