import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Croupier } from '../../croupier.js';
import { tokenTtlSecondsDefault, tokenTtlSecondsMax, type PlayerTokens } from '../../push/player-tokens.js';
import { sendError } from '../replies.js';
import { Id, PlayerParams } from '../schemas.js';
import { errors, security } from './route-settings.js';

const TokenBody = Type.Object(
  { ttl_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: tokenTtlSecondsMax, description: `How long the token opens sockets: ${tokenTtlSecondsDefault} s unless given, at most ${tokenTtlSecondsMax} s.` })) },
  { additionalProperties: false, examples: [{ ttl_seconds: tokenTtlSecondsDefault }] },
);

const TokenReply = Type.Object({
  player_id: Id,
  token: Type.String({ description: 'A JWT (HS256) for GET /v1/stream: `?token=` or `Authorization: Bearer`.' }),
  expires_at: Type.String({ format: 'date-time' }),
});

/** Player tokens for the WebSocket (README "Live push"): the operator's backend asks, the player's browser connects with it. */
export function tokenRoutes(app: FastifyInstance, croupier: Pick<Croupier, 'execute'>, tokens: PlayerTokens): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/v1/players/:player_id/tokens',
    {
      schema: {
        summary: 'Issue a player token',
        operationId: 'issuePlayerToken',
        tags: ['stream'],
        description: 'A short-lived token that opens GET /v1/stream for this player only. The body may be empty.',
        security,
        params: PlayerParams,
        body: TokenBody,
        response: { 201: TokenReply, ...errors },
      },
      // No body is an empty one: the defaults apply.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
    },
    async (request, reply) => {
      const playerId = request.params.player_id;
      // Only a committed player gets a token: a typo must not open a socket that never says anything.
      const known = await croupier.execute({ kind: 'balance', playerId });
      if (!known.ok) return sendError(reply, known.code, known.message);
      const issued = await tokens.issue(playerId, request.body.ttl_seconds ?? tokenTtlSecondsDefault);
      request.log.info({ player: playerId, expiresAt: new Date(issued.expiresAtMs).toISOString() }, 'player token issued');
      return reply.code(201).send({ player_id: playerId, token: issued.token, expires_at: new Date(issued.expiresAtMs).toISOString() });
    },
  );
}
