import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { Campaign } from '../../core/bonus/campaign.js';
import { acceptCampaign, type CampaignProposal } from '../../core/bonus/campaign-rules.js';
import { campaignStats } from '../../core/bonus/campaign-stats.js';
import type { Croupier } from '../../croupier.js';
import type { Accepted } from '../../core/outcome.js';
import type { GrantRow } from '../../ports/bonus-reader.js';
import { BonusStore } from '../../store/bonus-store.js';
import { sendError, sendOutcome } from '../replies.js';
import {
  BonusView,
  CampaignBody,
  CampaignStats,
  CampaignView,
  ErrorBody,
  GameBody,
  GrantBody,
  GrantParams,
  Id,
  OptInBody,
  Player,
  PlayerParams,
} from '../schemas.js';
import { playerView } from './player-view.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const security = [{ operatorKey: [] }];

/** Games catalogue, campaigns, and players' bonuses. Registered inside the operator scope (bearer keys). */
export async function bonusRoutes(app: FastifyInstance, options: { croupier: Croupier }): Promise<void> {
  const { croupier } = options;
  const bonuses = new BonusStore(croupier.sql);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.put('/v1/games/:game_id', { schema: { tags: ['games'], security, params: Type.Object({ game_id: Id }), body: GameBody, response: { 200: GameBody, ...errors } } }, async (request, reply) => {
    const body = request.body;
    if (body.game_id !== request.params.game_id) return sendError(reply, 'VALIDATION_ERROR', 'game_id in the path and the body differ');
    const game = { gameId: body.game_id, category: body.category, providerId: body.provider_id ?? null, name: body.name ?? null };
    await croupier.catalogue.saveGames([game]);
    return { game_id: game.gameId, category: game.category, provider_id: game.providerId, name: game.name };
  });

  api.get('/v1/games', { schema: { tags: ['games'], security, response: { 200: Type.Object({ items: Type.Array(GameBody) }), ...errors } } }, async () => ({
    items: croupier.catalogue.games().map((game) => ({ game_id: game.gameId, category: game.category, provider_id: game.providerId, name: game.name })),
  }));

  api.post('/v1/campaigns', { schema: { tags: ['campaigns'], security, body: CampaignBody, response: { 201: CampaignView, ...errors } } }, async (request, reply) => {
    const campaign = acceptCampaign(proposalFromBody(request.body), croupier.catalogue);
    if (!campaign.ok) return sendError(reply, campaign.code, campaign.message);
    await croupier.catalogue.saveCampaign(campaign.value);
    return reply.code(201).send(campaignView(campaign.value));
  });

  api.get('/v1/campaigns', { schema: { tags: ['campaigns'], security, response: { 200: Type.Object({ items: Type.Array(CampaignView) }), ...errors } } }, async () => ({
    items: croupier.catalogue.campaigns().map(campaignView),
  }));

  api.get('/v1/campaigns/:campaign_id', { schema: { tags: ['campaigns'], security, params: Type.Object({ campaign_id: Id }), response: { 200: CampaignView, ...errors } } }, async (request, reply) => {
    const campaign = croupier.catalogue.campaign(request.params.campaign_id);
    return campaign === undefined ? sendError(reply, 'CAMPAIGN_NOT_FOUND', `no campaign ${request.params.campaign_id}`) : campaignView(campaign);
  });

  api.get('/v1/campaigns/:campaign_id/stats', { schema: { tags: ['campaigns'], security, params: Type.Object({ campaign_id: Id }), response: { 200: CampaignStats, ...errors } } }, async (request, reply) => {
    const { campaign_id: campaignId } = request.params;
    if (croupier.catalogue.campaign(campaignId) === undefined) return sendError(reply, 'CAMPAIGN_NOT_FOUND', `no campaign ${campaignId}`);
    const stats = campaignStats(await bonuses.campaignTotals(campaignId));
    return {
      campaign_id: campaignId,
      grants: stats.grants,
      conversion_rate: stats.conversionRate,
      amounts: { granted: String(stats.granted), converted: String(stats.converted), forfeited: String(stats.forfeited), wagered_by_ended: String(stats.wageredByEnded) },
    };
  });

  api.post('/v1/players/:player_id/bonuses', { schema: { tags: ['bonuses'], security, params: PlayerParams, body: GrantBody, response: { 200: Player, 201: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'grant_bonus', playerId: request.params.player_id, grantId: request.body.grant_id, campaignId: request.body.campaign_id, amount: request.body.amount ?? null });
    return sendOutcome(reply, outcome, (accepted: Accepted) => playerView(accepted), outcome.ok && outcome.duplicate ? 200 : 201);
  });

  api.get('/v1/players/:player_id/bonuses', { schema: { tags: ['bonuses'], security, params: PlayerParams, response: { 200: Type.Object({ items: Type.Array(BonusView) }), ...errors } } }, async (request, reply) => {
    // Through the engine first: it applies a due expiry and commits it before the list is read.
    const touched = await croupier.execute({ kind: 'touch', playerId: request.params.player_id });
    if (!touched.ok) return sendError(reply, touched.code, touched.message);
    return { items: (await bonuses.grantsOf(request.params.player_id)).map(bonusView) };
  });

  api.post('/v1/players/:player_id/bonuses/:grant_id/cancel', { schema: { tags: ['bonuses'], security, params: GrantParams, response: { 200: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'cancel_bonus', playerId: request.params.player_id, grantId: request.params.grant_id });
    return sendOutcome(reply, outcome, (accepted: Accepted) => playerView(accepted));
  });

  api.post('/v1/players/:player_id/bonus-opt-ins', { schema: { tags: ['bonuses'], security, params: PlayerParams, body: OptInBody, response: { 200: Player, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({ kind: 'opt_in', playerId: request.params.player_id, campaignId: request.body.campaign_id });
    return sendOutcome(reply, outcome, (accepted: Accepted) => playerView(accepted));
  });
}

/** The body's fields as a proposal; the rules it must keep are the core's (acceptCampaign). */
function proposalFromBody(body: Static<typeof CampaignBody>): CampaignProposal {
  const amount = (value: string | number | undefined | null) => (value === undefined || value === null ? 0n : BigInt(value));
  const maxConversion = body.max_conversion === undefined || body.max_conversion === null
    ? null
    : 'absolute' in body.max_conversion
      ? { kind: 'absolute' as const, amount: amount(body.max_conversion.absolute) }
      : { kind: 'multiple' as const, multiple: BigInt(body.max_conversion.multiple) };
  return {
    campaignId: body.campaign_id,
    name: body.name,
    type: body.type,
    currency: body.currency,
    code: body.code ?? null,
    matchPercent: body.match_percent ?? null,
    matchCap: body.match_cap === undefined ? null : amount(body.match_cap),
    minDeposit: amount(body.min_deposit),
    fixedAmount: amount(body.fixed_amount),
    wageringMultiplier: body.wagering_multiplier,
    wageringBase: body.wagering_base ?? 'bonus',
    contributions: body.contributions ?? {},
    defaultContribution: body.default_contribution ?? 0,
    maxBet: body.max_bet === undefined || body.max_bet === null ? null : amount(body.max_bet),
    maxConversion,
    validityMs: body.validity_seconds * 1000,
    forfeitOnWithdrawal: body.forfeit_on_withdrawal ?? false,
    maxGrantsPerPlayer: body.max_grants_per_player ?? null,
    fundsOrder: body.funds_order ?? 'bonus_first',
    activeFrom: body.active_from === undefined ? 0 : Date.parse(body.active_from),
    activeUntil: body.active_until === undefined || body.active_until === null ? null : Date.parse(body.active_until),
  };
}

function campaignView(campaign: Campaign) {
  return {
    campaign_id: campaign.campaignId,
    name: campaign.name,
    type: campaign.type,
    currency: campaign.currency,
    code: campaign.code,
    match_percent: campaign.matchPercent,
    match_cap: String(campaign.matchCap),
    min_deposit: String(campaign.minDeposit),
    fixed_amount: String(campaign.fixedAmount),
    wagering_multiplier: campaign.wageringMultiplier,
    wagering_base: campaign.wageringBase,
    contributions: { ...campaign.contributions },
    default_contribution: campaign.defaultContribution,
    max_bet: campaign.maxBet === null ? null : String(campaign.maxBet),
    max_conversion: campaign.maxConversion === null ? null : campaign.maxConversion.kind === 'absolute' ? { absolute: String(campaign.maxConversion.amount) } : { multiple: Number(campaign.maxConversion.multiple) },
    validity_seconds: Math.round(campaign.validityMs / 1000),
    forfeit_on_withdrawal: campaign.forfeitOnWithdrawal,
    max_grants_per_player: campaign.maxGrantsPerPlayer,
    funds_order: campaign.fundsOrder,
    active_from: new Date(campaign.activeFrom).toISOString(),
    active_until: campaign.activeUntil === null ? null : new Date(campaign.activeUntil).toISOString(),
  };
}

function bonusView(row: GrantRow) {
  const progress = BigInt(row.progress);
  const required = BigInt(row.required);
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  return {
    grant_id: row.grant_id,
    campaign_id: row.campaign_id,
    state: row.state,
    amount: row.amount,
    deposit_amount: row.deposit_amount,
    wagering: { progress: row.progress, required: row.required, percent: required === 0n ? 100 : Math.min(100, Number((progress * 10_000n) / required) / 100) },
    converted_amount: row.converted_amount,
    forfeited_amount: row.forfeited_amount,
    granted_at: iso(row.granted_at) ?? '',
    activated_at: iso(row.activated_at),
    expires_at: iso(row.expires_at),
    ended_at: iso(row.ended_at),
  };
}
