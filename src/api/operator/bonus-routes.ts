import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Croupier } from '../../croupier.js';
import type { BonusReader } from '../../ports/bonus-reader.js';
import { sendError, sendOutcome } from '../replies.js';
import { BonusView, GrantBody, GrantParams, OptInBody, Player, PlayerParams } from '../schemas.js';
import { bonusView } from './bonus-view.js';
import { auditStamp } from './operator-audit.js';
import { playerView } from './player-view.js';
import { errors, security } from './route-settings.js';

/** Players' bonuses: grants, the list with live wagering, cancelling, and opting in. Changes go through the engine. */
export function bonusRoutes(app: FastifyInstance, croupier: Pick<Croupier, 'execute'>, bonuses: Pick<BonusReader, 'grantsOf'>): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/players/:player_id/bonuses', { schema: { tags: ['bonuses'], security, params: PlayerParams, body: GrantBody, response: { 200: Player, 201: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'grant_bonus', playerId: request.params.player_id, grantId: request.body.grant_id, campaignId: request.body.campaign_id, amount: request.body.amount ?? null, audit: auditStamp(request, 'bonus.grant') });
    return sendOutcome(reply, outcome, playerView, outcome.ok && outcome.duplicate ? 200 : 201);
  });

  api.get('/v1/players/:player_id/bonuses', { schema: { tags: ['bonuses'], security, params: PlayerParams, response: { 200: Type.Object({ items: Type.Array(BonusView) }), ...errors } } }, async (request, reply) => {
    // Through the engine first: it applies a due expiry and commits it before the list is read.
    const touched = await croupier.execute({ kind: 'touch', playerId: request.params.player_id });
    if (!touched.ok) return sendError(reply, touched.code, touched.message);
    return { items: (await bonuses.grantsOf(request.params.player_id)).map(bonusView) };
  });

  api.post('/v1/players/:player_id/bonuses/:grant_id/cancel', { schema: { tags: ['bonuses'], security, params: GrantParams, response: { 200: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'cancel_bonus', playerId: request.params.player_id, grantId: request.params.grant_id, audit: auditStamp(request, 'bonus.cancel') });
    return sendOutcome(reply, outcome, playerView);
  });

  api.post('/v1/players/:player_id/bonus-opt-ins', { schema: { tags: ['bonuses'], security, params: PlayerParams, body: OptInBody, response: { 200: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'opt_in', playerId: request.params.player_id, campaignId: request.body.campaign_id, audit: auditStamp(request, 'bonus.opt_in') });
    return sendOutcome(reply, outcome, playerView);
  });
}
