import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ProviderRegistry } from '../provider/provider-registry.js';
import { sendError } from '../replies.js';
import { ProviderRegistration, ProviderView } from '../schemas.js';
import { errors, operatorSource, security } from './route-settings.js';

/** Providers registered at run time (those of CROUPIER_PROVIDERS are listed but cannot be changed). */
export function providerAdminRoutes(app: FastifyInstance, providers: ProviderRegistry): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/providers', { schema: { tags: ['providers'], security, body: ProviderRegistration, response: { 201: ProviderView, ...errors } } }, async (request, reply) => {
    const { provider_id: providerId, secret, rollback_unknown: rollbackUnknown = 'ok' } = request.body;
    if (providerId === operatorSource) return sendError(reply, 'VALIDATION_ERROR', `"${operatorSource}" is reserved for operator transactions`);
    if (providers.isFromEnvironment(providerId)) return sendError(reply, 'VALIDATION_ERROR', `provider ${providerId} is configured by CROUPIER_PROVIDERS and cannot be changed here`);
    await providers.register({ providerId, secret, rollbackUnknown });
    return reply.code(201).send({ provider_id: providerId, rollback_unknown: rollbackUnknown, configured_by: 'operator' });
  });

  api.get('/v1/providers', { schema: { tags: ['providers'], security, response: { 200: Type.Object({ items: Type.Array(ProviderView) }), ...errors } } }, async () => ({
    items: providers.list().map((provider) => ({ provider_id: provider.providerId, rollback_unknown: provider.rollbackUnknown, configured_by: provider.configuredBy })),
  }));
}
