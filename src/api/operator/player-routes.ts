import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Croupier } from '../../croupier.js';
import { sendOutcome } from '../replies.js';
import { Player, PlayerParams, RegisterPlayerBody } from '../schemas.js';
import { auditStamp } from './operator-audit.js';
import { playerView } from './player-view.js';
import { errors, security } from './route-settings.js';

/** Registering a player and reading one back. */
export function playerRoutes(app: FastifyInstance, croupier: Pick<Croupier, 'execute'>): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/players', { schema: { summary: 'Register a player', operationId: 'registerPlayer', tags: ['players'], security, body: RegisterPlayerBody, response: { 200: Player, 201: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'register', playerId: request.body.player_id, currency: request.body.currency, audit: auditStamp(request, 'player.register') });
    // A player that exists identically is answered 200, a new one 201.
    return sendOutcome(reply, outcome, playerView, outcome.ok && outcome.duplicate ? 200 : 201);
  });

  api.get('/v1/players/:player_id', { schema: { summary: 'Read a player', operationId: 'getPlayer', tags: ['players'], security, params: PlayerParams, response: { 200: Player, ...errors } } }, async (request, reply) => {
    return sendOutcome(reply, await croupier.execute({ kind: 'balance', playerId: request.params.player_id }), playerView);
  });
}
