import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Delivery, Webhook, WebhookStorage } from '../../ports/webhook-storage.js';
import { eventTypes, isEventTypePattern } from '../../webhooks/event-types.js';
import { urlProblem, webhookUrlLengthMax, type UrlPolicy } from '../../webhooks/url-policy.js';
import { sendError } from '../replies.js';
import { errors, security } from './route-settings.js';

const tags = ['webhooks'];
const eventTypesMax = 32;
const deliveryPageDefault = 50;
const deliveryPageMax = 200;

const WebhookRegistration = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: webhookUrlLengthMax, description: 'https:// (plain http:// only to 127.0.0.1 or localhost outside production: docs/webhooks.md)' }),
    event_types: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: eventTypesMax,
      description: `event types (${eventTypes.join(', ')}), a prefix and .* (transaction.*, bonus.*), or * for all`,
    }),
  },
  { additionalProperties: false },
);

const WebhookView = Type.Object({
  webhook_id: Type.String(),
  url: Type.String(),
  event_types: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')], { description: 'suspended: it had too many deliveries pending; new events are counted in skipped_events, not delivered' }),
  suspended_reason: Type.Union([Type.String(), Type.Null()]),
  suspended_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  skipped_events: Type.String({ description: 'events that matched while the endpoint was suspended' }),
  created_at: Type.String({ format: 'date-time' }),
});

const RegisteredWebhook = Type.Intersect([WebhookView, Type.Object({ secret: Type.String({ description: 'signs every delivery (X-Croupier-Signature); shown only in this answer' }) })]);

const WebhookParams = Type.Object({ webhook_id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) });

const DeliveryStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]);

const DeliveryQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: `1–${deliveryPageMax}, default ${deliveryPageDefault}` })),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: 'next_cursor of the previous page' })),
    status: Type.Optional(DeliveryStatusSchema),
  },
  { additionalProperties: false },
);

const DeliveryView = Type.Object({
  event_id: Type.String(),
  event_type: Type.String(),
  status: DeliveryStatusSchema,
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when a pending delivery is tried next' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

const DeliveryPage = Type.Object({ items: Type.Array(DeliveryView), next_cursor: Type.Union([Type.String(), Type.Null()]) });

/**
 * Operator webhooks (docs/webhooks.md): register an endpoint and the events it wants, list,
 * remove, and page through its deliveries, newest event first.
 */
export function webhookRoutes(app: FastifyInstance, webhooks: WebhookStorage, policy: UrlPolicy): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const missing = (webhookId: string) => `no webhook ${webhookId}`;

  api.post('/v1/webhooks', { schema: { summary: 'Register a webhook', operationId: 'registerWebhook', tags, security, body: WebhookRegistration, response: { 201: RegisteredWebhook, ...errors } } }, async (request, reply) => {
    const { url, event_types: wanted } = request.body;
    const problem = urlProblem(url, policy);
    if (problem !== null) return sendError(reply, 'VALIDATION_ERROR', problem);
    const unknown = wanted.find((pattern) => !isEventTypePattern(pattern));
    if (unknown !== undefined) return sendError(reply, 'VALIDATION_ERROR', `event type "${unknown}" is none of ${eventTypes.join(', ')}, nor a prefix of them followed by .*, nor *`);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const created = await webhooks.create({ webhookId: randomUUID(), url, eventTypes: [...new Set(wanted)], secret });
    return reply.code(201).send({ ...webhookView(created), secret });
  });

  api.get('/v1/webhooks', { schema: { summary: 'List webhooks', operationId: 'listWebhooks', tags, security, response: { 200: Type.Object({ items: Type.Array(WebhookView) }), ...errors } } }, async () => ({
    items: (await webhooks.all()).map(webhookView),
  }));

  api.get('/v1/webhooks/:webhook_id', { schema: { summary: 'Read a webhook', operationId: 'getWebhook', tags, security, params: WebhookParams, response: { 200: WebhookView, ...errors } } }, async (request, reply) => {
    const found = await webhooks.find(request.params.webhook_id);
    return found === undefined ? sendError(reply, 'WEBHOOK_NOT_FOUND', missing(request.params.webhook_id)) : webhookView(found);
  });

  api.delete('/v1/webhooks/:webhook_id', { schema: { summary: 'Remove a webhook and its deliveries', operationId: 'deleteWebhook', tags, security, params: WebhookParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    const removed = await webhooks.remove(request.params.webhook_id);
    return removed ? reply.code(204).send(null) : sendError(reply, 'WEBHOOK_NOT_FOUND', missing(request.params.webhook_id));
  });

  api.get(
    '/v1/webhooks/:webhook_id/deliveries',
    { schema: { summary: "List a webhook's deliveries", operationId: 'listWebhookDeliveries', tags, security, params: WebhookParams, querystring: DeliveryQuery, response: { 200: DeliveryPage, ...errors } } },
    async (request, reply) => {
      const { webhook_id: webhookId } = request.params;
      if ((await webhooks.find(webhookId)) === undefined) return sendError(reply, 'WEBHOOK_NOT_FOUND', missing(webhookId));
      const limit = Math.min(Number(request.query.limit ?? deliveryPageDefault), deliveryPageMax);
      const { cursor, status } = request.query;
      const items = await webhooks.deliveries(webhookId, { limit, ...(cursor === undefined ? {} : { beforeEventId: BigInt(cursor) }), ...(status === undefined ? {} : { status }) });
      const last = items.at(-1);
      return { items: items.map(deliveryView), next_cursor: items.length === limit && last !== undefined ? String(last.eventId) : null };
    },
  );
}

function webhookView(webhook: Webhook) {
  return {
    webhook_id: webhook.webhookId,
    url: webhook.url,
    event_types: [...webhook.eventTypes],
    status: webhook.status,
    suspended_reason: webhook.suspendedReason,
    suspended_at: webhook.suspendedAt === null ? null : webhook.suspendedAt.toISOString(),
    skipped_events: String(webhook.skippedEvents),
    created_at: webhook.createdAt.toISOString(),
  };
}

function deliveryView(delivery: Delivery) {
  return {
    event_id: String(delivery.eventId),
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    last_error: delivery.lastError,
    next_attempt_at: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    created_at: delivery.createdAt.toISOString(),
    updated_at: delivery.updatedAt.toISOString(),
  };
}
