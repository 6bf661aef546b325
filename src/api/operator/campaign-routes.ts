import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { acceptCampaign, sameTerms } from '../../core/bonus/campaign-rules.js';
import { campaignStats } from '../../core/bonus/campaign-stats.js';
import type { BonusReader } from '../../ports/bonus-reader.js';
import type { CampaignCatalogue } from '../../ports/campaign-catalogue.js';
import { sendError } from '../replies.js';
import { CampaignStats } from '../schemas.js';
import { campaignView, proposalFromBody, proposalFromChange } from './campaign-body.js';
import { CampaignBody, CampaignChange, CampaignParams, CampaignView } from './campaign-schemas.js';
import { auditDraft } from './operator-audit.js';
import { errors, security } from './route-settings.js';

const tags = ['campaigns'];

/**
 * Campaigns: created once (the rules are the core's), changed explicitly, read back, and their
 * statistics. Creating and changing are in the audit log; a grant keeps the terms it was made with.
 */
export function campaignRoutes(app: FastifyInstance, catalogue: CampaignCatalogue, bonuses: Pick<BonusReader, 'campaignTotals'>): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/campaigns', { schema: { summary: 'Create a campaign', operationId: 'createCampaign', tags, security, body: CampaignBody, response: { 200: CampaignView, 201: CampaignView, ...errors } } }, async (request, reply) => {
    const campaign = acceptCampaign(proposalFromBody(request.body), catalogue);
    if (!campaign.ok) return sendError(reply, campaign.code, campaign.message);
    const holder = await catalogue.createCampaign(campaign.value, auditDraft(request, 'campaign.create', campaign.value.campaignId));
    if (!holder.ok) return sendError(reply, holder.code, holder.message);
    if (holder.value === null) return reply.code(201).send(campaignView(campaign.value));
    if (sameTerms(holder.value, campaign.value)) return reply.code(200).send(campaignView(holder.value));
    const { campaignId } = campaign.value;
    return sendError(reply, 'CAMPAIGN_EXISTS', `campaign ${campaignId} exists with other terms: change it with PATCH /v1/campaigns/${campaignId}`);
  });

  api.patch('/v1/campaigns/:campaign_id', { schema: { summary: 'Change a campaign', operationId: 'updateCampaign', tags, security, params: CampaignParams, body: CampaignChange, response: { 200: CampaignView, ...errors } } }, async (request, reply) => {
    const { campaign_id: campaignId } = request.params;
    const change = (current: Parameters<typeof proposalFromChange>[0]) => acceptCampaign(proposalFromChange(current, request.body), catalogue);
    const updated = await catalogue.updateCampaign(campaignId, change, auditDraft(request, 'campaign.update', campaignId));
    if (updated === undefined) return sendError(reply, 'CAMPAIGN_NOT_FOUND', `no campaign ${campaignId}`);
    return updated.ok ? campaignView(updated.value) : sendError(reply, updated.code, updated.message);
  });

  api.get('/v1/campaigns', { schema: { summary: 'List campaigns', operationId: 'listCampaigns', tags, security, response: { 200: Type.Object({ items: Type.Array(CampaignView) }), ...errors } } }, async () => ({
    items: catalogue.campaigns().map(campaignView),
  }));

  api.get('/v1/campaigns/:campaign_id', { schema: { summary: 'Read a campaign', operationId: 'getCampaign', tags, security, params: CampaignParams, response: { 200: CampaignView, ...errors } } }, async (request, reply) => {
    const campaign = catalogue.campaign(request.params.campaign_id);
    return campaign === undefined ? sendError(reply, 'CAMPAIGN_NOT_FOUND', `no campaign ${request.params.campaign_id}`) : campaignView(campaign);
  });

  api.get('/v1/campaigns/:campaign_id/stats', { schema: { summary: "A campaign's statistics", operationId: 'campaignStats', tags, security, params: CampaignParams, response: { 200: CampaignStats, ...errors } } }, async (request, reply) => {
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
