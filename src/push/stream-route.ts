import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { sendError } from '../api/replies.js';
import { ErrorBody } from '../api/schemas.js';
import type { PushHub } from './push-hub.js';
import type { PlayerClaims, PlayerTokens, TokenRefusal } from './player-tokens.js';

/** Longest token the stream reads (ours are about 250 characters). */
const tokenLengthMax = 4096;

const StreamQuery = Type.Object(
  {
    token: Type.Optional(Type.String({ minLength: 1, maxLength: tokenLengthMax, description: 'The player token (POST /v1/players/{player_id}/tokens); or send it as `Authorization: Bearer <token>`.' })),
    after: Type.Optional(Type.String({ pattern: '^[0-9]{1,13}$', description: 'The last `sequence` this client saw: every later event of the player is sent first, from the store, then live ones.' })),
  },
  { additionalProperties: false },
);
type StreamQuery = Static<typeof StreamQuery>;

export interface StreamRouteOptions {
  readonly hub: PushHub;
  readonly tokens: PlayerTokens;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The stream's verified player token; set by its preHandler. */
    playerClaims?: PlayerClaims;
  }
}

const refusalMessages: Readonly<Record<TokenRefusal, string>> = {
  missing: 'no player token: send ?token=<token> or Authorization: Bearer <token> (POST /v1/players/{player_id}/tokens issues one)',
  expired: 'the player token expired: ask the operator for a new one',
  invalid: 'the player token is not valid here (malformed, or signed for another service or with another secret)',
};

const description =
  'A WebSocket (RFC 6455) of one player\'s committed events: balance changes, wagering progress and bonus state changes, as JSON text frames ' +
  '`{type, id, player_id, partition, sequence, payload}` after a `stream.hello` frame; `stream.live` says the stored events asked for with `?after=` have all been sent. ' +
  'Authenticated by a player token in `?token=` (browsers cannot set headers on a WebSocket) or `Authorization: Bearer`. ' +
  'Refused before the upgrade with the usual error body: 401 INVALID_TOKEN, 429 TOO_MANY_CONNECTIONS, 426 UPGRADE_REQUIRED for a plain GET. ' +
  'The server pings every heartbeat_ms and closes a socket that did not answer the previous ping; a client that reads too slowly is cut off; ' +
  'close codes: 4001 token expired, 4409 too far behind, 1013 try again later, 1001 server going away. README "Live push".';

/** `GET /v1/stream`: the player WebSocket, behind a player token (README "Live push"). */
export async function streamRoutes(app: FastifyInstance, options: StreamRouteOptions): Promise<void> {
  const { hub, tokens } = options;
  await app.register(websocket, {
    options: { maxPayload: hub.limits.clientMessageBytesMax, perMessageDeflate: false },
    // On shutdown every socket is told 1001 (going away: reconnect with ?after=), and the hub stops listening.
    preClose: (done) => {
      hub.close();
      done();
    },
  });
  app.route<{ Querystring: StreamQuery }>({
    method: 'GET',
    url: '/v1/stream',
    schema: {
      summary: 'Stream a player\'s events (WebSocket)',
      operationId: 'openStream',
      tags: ['stream'],
      description,
      security: [{ playerToken: [] }],
      querystring: StreamQuery,
      response: { '4xx': ErrorBody, '5xx': ErrorBody },
    },
    preHandler: async (request, reply) => authenticate(request, reply, tokens, hub),
    handler: async (_request, reply) => sendError(reply, 'UPGRADE_REQUIRED', 'this endpoint is a WebSocket: send the upgrade headers (Connection: Upgrade, Upgrade: websocket)'),
    wsHandler: (socket, request) => {
      const claims = request.playerClaims;
      if (claims === undefined) throw new Error('invariant violated: a stream socket opened without verified claims');
      const after = request.query.after;
      hub.open(socket, claims, after === undefined ? null : BigInt(after));
    },
  });
}

async function authenticate(request: FastifyRequest<{ Querystring: StreamQuery }>, reply: FastifyReply, tokens: PlayerTokens, hub: PushHub): Promise<FastifyReply | undefined> {
  const verified = await tokens.verify(request.query.token ?? bearerOf(request.headers.authorization));
  if (typeof verified === 'string') return sendError(reply, 'INVALID_TOKEN', refusalMessages[verified], verified);
  const admission = hub.admits(verified.playerId);
  if (admission === 'node_full') return sendError(reply, 'TOO_MANY_CONNECTIONS', 'this node holds as many sockets as it may: try again later or another node', admission);
  if (admission === 'player_full') return sendError(reply, 'TOO_MANY_CONNECTIONS', `this player has ${hub.limits.socketsPerPlayerMax} sockets open, the most it may: close one`, admission);
  request.playerClaims = verified;
  return undefined;
}

function bearerOf(authorization: string | undefined): string | undefined {
  return authorization?.startsWith('Bearer ') === true ? authorization.slice(7).trim() : undefined;
}
