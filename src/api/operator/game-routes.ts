import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CampaignCatalogue } from '../../ports/campaign-catalogue.js';
import { GameBody, GameUpdateBody, Id } from '../schemas.js';
import { auditDraft } from './operator-audit.js';
import { errors, security } from './route-settings.js';

/** The games catalogue: a game's category decides how much of a stake counts towards wagering. */
export function gameRoutes(app: FastifyInstance, catalogue: CampaignCatalogue): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.put(
    '/v1/games/:game_id',
    {
      schema: {
        summary: "Save a game's category",
        operationId: 'putGame',
        description: 'Creates or replaces the game named in the path; the body does not repeat its id.',
        tags: ['games'],
        security,
        params: Type.Object({ game_id: Id }),
        body: GameUpdateBody,
        response: { 200: GameBody, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      const game = { gameId: request.params.game_id, category: body.category, providerId: body.provider_id ?? null, name: body.name ?? null };
      await catalogue.saveGames([game], auditDraft(request, 'game.put', game.gameId));
      return { game_id: game.gameId, category: game.category, provider_id: game.providerId, name: game.name };
    },
  );

  api.get(
    '/v1/games',
    { schema: { summary: 'List the games catalogue', operationId: 'listGames', tags: ['games'], security, response: { 200: Type.Object({ items: Type.Array(GameBody) }), ...errors } } },
    async () => ({
      items: catalogue.games().map((game) => ({ game_id: game.gameId, category: game.category, provider_id: game.providerId, name: game.name })),
    }),
  );
}
