import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { acceptCampaign } from '../../core/bonus/campaign-rules.js';
import { campaignStats } from '../../core/bonus/campaign-stats.js';
import type { BonusReader } from '../../ports/bonus-reader.js';
import type { CampaignCatalogue } from '../../ports/campaign-catalogue.js';
import { sendError } from '../replies.js';
import { CampaignBody, CampaignStats, CampaignView, Id } from '../schemas.js';
import { campaignView, proposalFromBody } from './campaign-body.js';
import { errors, security } from './route-settings.js';

/** Campaigns: saved through this node's catalogue (the rules are the core's), read back, and their statistics. */
export function campaignRoutes(app: FastifyInstance, catalogue: CampaignCatalogue, bonuses: Pick<BonusReader, 'campaignTotals'>): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/campaigns', { schema: { tags: ['campaigns'], security, body: CampaignBody, response: { 201: CampaignView, ...errors } } }, async (request, reply) => {
    const campaign = acceptCampaign(proposalFromBody(request.body), catalogue);
    if (!campaign.ok) return sendError(reply, campaign.code, campaign.message);
    await catalogue.saveCampaign(campaign.value);
    return reply.code(201).send(campaignView(campaign.value));
  });

  api.get('/v1/campaigns', { schema: { tags: ['campaigns'], security, response: { 200: Type.Object({ items: Type.Array(CampaignView) }), ...errors } } }, async () => ({
    items: catalogue.campaigns().map(campaignView),
  }));

  api.get('/v1/campaigns/:campaign_id', { schema: { tags: ['campaigns'], security, params: Type.Object({ campaign_id: Id }), response: { 200: CampaignView, ...errors } } }, async (request, reply) => {
    const campaign = catalogue.campaign(request.params.campaign_id);
    return campaign === undefined ? sendError(reply, 'CAMPAIGN_NOT_FOUND', `no campaign ${request.params.campaign_id}`) : campaignView(campaign);
  });

  api.get('/v1/campaigns/:campaign_id/stats', { schema: { tags: ['campaigns'], security, params: Type.Object({ campaign_id: Id }), response: { 200: CampaignStats, ...errors } } }, async (request, reply) => {
    const { campaign_id: campaignId } = request.params;
    if (catalogue.campaign(campaignId) === undefined) return sendError(reply, 'CAMPAIGN_NOT_FOUND', `no campaign ${campaignId}`);
    const stats = campaignStats(await bonuses.campaignTotals(campaignId));
    return {
      campaign_id: campaignId,
      grants: stats.grants,
      conversion_rate: stats.conversionRate,
      amounts: { granted: String(stats.granted), converted: String(stats.converted), forfeited: String(stats.forfeited), wagered_by_ended: String(stats.wageredByEnded) },
    };
  });
}
