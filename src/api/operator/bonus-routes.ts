import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Croupier } from '../../croupier.js';
import type { BonusReader } from '../../ports/bonus-reader.js';
import { sendError, sendOutcome } from '../replies.js';
import { BonusView, GrantBody, GrantParams, Id, OptInBody, Player, PlayerParams } from '../schemas.js';
import { bonusView } from './bonus-view.js';
import { auditStamp } from './operator-audit.js';
import { playerView } from './player-view.js';
import { errors, security } from './route-settings.js';

/** A grant's answer: the player (whose active bonus may be another one) and the grant made, which may be queued. */
const GrantReply = Type.Object({ ...Player.properties, grant: BonusView });

/** An opt-in's answer: the player and the campaign opted into; its next qualifying deposit claims the match. */
const OptInReply = Type.Object({
  ...Player.properties,
  opted_in: Type.Object({ campaign_id: Id, duplicate: Type.Boolean({ description: 'true when the player had already opted in' }) }),
});

/** Players' bonuses: grants, the list with live wagering, cancelling, and opting in. Changes go through the engine. */
export function bonusRoutes(app: FastifyInstance, croupier: Pick<Croupier, 'execute'>, bonuses: Pick<BonusReader, 'grantsOf'>): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['bonuses'];

  api.post(
    '/v1/players/:player_id/bonuses',
    {
      schema: {
        summary: 'Grant a bonus',
        operationId: 'grantBonus',
        description: 'Grants a fixed or free-spins-winnings bonus. The answer carries this grant (active, or queued behind the active one) with the player; a replay of the grant id answers 200.',
        tags,
        security,
        params: PlayerParams,
        body: GrantBody,
        response: { 200: GrantReply, 201: GrantReply, ...errors },
      },
    },
    async (request, reply) => {
      const { player_id: playerId } = request.params;
      const outcome = await croupier.execute({ kind: 'grant_bonus', playerId, grantId: request.body.grant_id, campaignId: request.body.campaign_id, amount: request.body.amount ?? null, audit: auditStamp(request, 'bonus.grant') });
      if (!outcome.ok) return sendError(reply, outcome.code, outcome.message);
      // The grant is committed once the engine has answered.
      const grant = (await bonuses.grantsOf(playerId)).find((row) => row.grant_id === request.body.grant_id);
      if (grant === undefined) throw new Error(`invariant violated: grant ${request.body.grant_id} was accepted but is not stored`);
      return reply.code(outcome.duplicate ? 200 : 201).send({ ...playerView(outcome), grant: bonusView(grant) });
    },
  );

  api.get(
    '/v1/players/:player_id/bonuses',
    { schema: { summary: "List a player's bonuses", operationId: 'listBonuses', tags, security, params: PlayerParams, response: { 200: Type.Object({ items: Type.Array(BonusView) }), ...errors } } },
    async (request, reply) => {
      // Through the engine first: it applies a due expiry and commits it before the list is read.
      const touched = await croupier.execute({ kind: 'touch', playerId: request.params.player_id });
      if (!touched.ok) return sendError(reply, touched.code, touched.message);
      return { items: (await bonuses.grantsOf(request.params.player_id)).map(bonusView) };
    },
  );

  api.post(
    '/v1/players/:player_id/bonuses/:grant_id/cancel',
    { schema: { summary: 'Cancel a bonus', operationId: 'cancelBonus', tags, security, params: GrantParams, response: { 200: Player, ...errors } } },
    async (request, reply) => {
      const outcome = await croupier.execute({ kind: 'cancel_bonus', playerId: request.params.player_id, grantId: request.params.grant_id, audit: auditStamp(request, 'bonus.cancel') });
      return sendOutcome(reply, outcome, playerView);
    },
  );

  api.post(
    '/v1/players/:player_id/bonus-opt-ins',
    {
      schema: {
        summary: 'Opt a player into a deposit match',
        operationId: 'optInBonus',
        description: "The player's next deposit of at least the campaign's minimum claims the match; the answer names the campaign opted into.",
        tags,
        security,
        params: PlayerParams,
        body: OptInBody,
        response: { 200: OptInReply, ...errors },
      },
    },
    async (request, reply) => {
      const campaignId = request.body.campaign_id;
      const outcome = await croupier.execute({ kind: 'opt_in', playerId: request.params.player_id, campaignId, audit: auditStamp(request, 'bonus.opt_in') });
      return sendOutcome(reply, outcome, (accepted) => ({ ...playerView(accepted), opted_in: { campaign_id: campaignId, duplicate: accepted.duplicate } }));
    },
  );
}
