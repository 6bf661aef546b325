import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ProviderSettings, StoredProvider } from '../../ports/provider-storage.js';
import type { Provider, ProviderRegistry } from '../provider/provider-registry.js';
import { sendError } from '../replies.js';
import { auditDraft } from './operator-audit.js';
import { ProviderChange, ProviderParams, ProviderRegistration, ProviderView, SecretRotationBody, SecretRotationReply, previousSecretValidSecondsDefault } from './provider-schemas.js';
import { errors, operatorSource, security } from './route-settings.js';

const tags = ['providers'];

/**
 * Providers registered at run time (those of CROUPIER_PROVIDERS are listed but cannot be changed).
 * Registering is create-only; settings change with PATCH, and the secret with a rotation in which
 * the previous secret keeps verifying for a while. Every change is in the audit log.
 */
export function providerAdminRoutes(app: FastifyInstance, providers: ProviderRegistry): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const fromEnvironment = (providerId: string) => `provider ${providerId} is configured by CROUPIER_PROVIDERS and cannot be changed through the API`;

  api.post('/v1/providers', { schema: { summary: 'Register a provider', operationId: 'registerProvider', tags, security, body: ProviderRegistration, response: { 200: ProviderView, 201: ProviderView, ...errors } } }, async (request, reply) => {
    const { provider_id: providerId, secret } = request.body;
    if (providerId === operatorSource) return sendError(reply, 'VALIDATION_ERROR', `"${operatorSource}" is reserved for operator transactions`);
    if (providers.isFromEnvironment(providerId)) return sendError(reply, 'PROVIDER_EXISTS', fromEnvironment(providerId));
    const settings = settingsOf(request.body);
    const holder = await providers.create({ providerId, secret, ...settings }, auditDraft(request, 'provider.create', providerId));
    if (holder === null) return reply.code(201).send(providerView({ providerId, secret, previousSecret: null, previousSecretExpiresAt: null, ...settings }));
    if (sameRegistration(holder, secret, settings)) return reply.code(200).send(providerView(holder));
    return sendError(reply, 'PROVIDER_EXISTS', `provider ${providerId} exists with another secret or settings: change settings with PATCH /v1/providers/${providerId}, the secret with POST /v1/providers/${providerId}/secret-rotations`);
  });

  api.get('/v1/providers', { schema: { summary: 'List providers', operationId: 'listProviders', tags, security, response: { 200: Type.Object({ items: Type.Array(ProviderView) }), ...errors } } }, async () => ({
    items: providers.list().map(listedView),
  }));

  api.get('/v1/providers/:provider_id', { schema: { summary: 'Read a provider', operationId: 'getProvider', tags, security, params: ProviderParams, response: { 200: ProviderView, ...errors } } }, async (request, reply) => {
    const provider = providers.find(request.params.provider_id);
    return provider === undefined ? sendError(reply, 'PROVIDER_NOT_FOUND', `no provider ${request.params.provider_id}`) : listedView(provider);
  });

  api.patch('/v1/providers/:provider_id', { schema: { summary: "Change a provider's settings", operationId: 'updateProvider', tags, security, params: ProviderParams, body: ProviderChange, response: { 200: ProviderView, ...errors } } }, async (request, reply) => {
    const { provider_id: providerId } = request.params;
    if (providers.isFromEnvironment(providerId)) return sendError(reply, 'VALIDATION_ERROR', fromEnvironment(providerId));
    const body = request.body;
    const change: Partial<ProviderSettings> = {
      ...(body.rollback_unknown === undefined ? {} : { rollbackUnknown: body.rollback_unknown }),
      ...(body.max_win === undefined ? {} : { winMax: amountOrNull(body.max_win) }),
      ...(body.max_round_payout === undefined ? {} : { roundPayoutMax: amountOrNull(body.max_round_payout) }),
    };
    const updated = await providers.update(providerId, change, auditDraft(request, 'provider.update', providerId));
    return updated === undefined ? sendError(reply, 'PROVIDER_NOT_FOUND', `no provider ${providerId} registered through the API`) : providerView(updated);
  });

  api.post(
    '/v1/providers/:provider_id/secret-rotations',
    {
      schema: {
        summary: "Rotate a provider's secret",
        operationId: 'rotateProviderSecret',
        tags,
        security,
        description:
          'Replaces the secret. The previous one keeps verifying until previous_secret_expires_at; sign with the new one from new_secret_everywhere_at. Repeating a rotation to the current secret changes nothing.',
        params: ProviderParams,
        body: SecretRotationBody,
        response: { 200: SecretRotationReply, ...errors },
      },
    },
    async (request, reply) => {
      const { provider_id: providerId } = request.params;
      if (providers.isFromEnvironment(providerId)) return sendError(reply, 'VALIDATION_ERROR', fromEnvironment(providerId));
      const now = Date.now();
      const validSeconds = request.body.previous_secret_valid_seconds ?? previousSecretValidSecondsDefault;
      const rotation = { secret: request.body.secret, previousSecretExpiresAt: new Date(now + validSeconds * 1000) };
      const rotated = await providers.rotateSecret(providerId, rotation, auditDraft(request, 'provider.secret_rotation', providerId));
      if (rotated === undefined) return sendError(reply, 'PROVIDER_NOT_FOUND', `no provider ${providerId} registered through the API`);
      return { ...providerView(rotated, now), new_secret_everywhere_at: new Date(now + providers.refreshIntervalMs).toISOString() };
    },
  );
}

function settingsOf(body: { rollback_unknown?: 'ok' | 'error'; max_win?: string | number | null; max_round_payout?: string | number | null }): ProviderSettings {
  return { rollbackUnknown: body.rollback_unknown ?? 'ok', winMax: amountOrNull(body.max_win), roundPayoutMax: amountOrNull(body.max_round_payout) };
}

function amountOrNull(value: string | number | null | undefined): bigint | null {
  return value === undefined || value === null ? null : BigInt(value);
}

/** An identical repeat of a registration: the same current secret (compared in constant time) and settings. */
function sameRegistration(holder: StoredProvider, secret: string, settings: ProviderSettings): boolean {
  const sameSecret = timingSafeEqual(hash('sha256', holder.secret, 'buffer'), hash('sha256', secret, 'buffer'));
  return sameSecret && holder.rollbackUnknown === settings.rollbackUnknown && holder.winMax === settings.winMax && holder.roundPayoutMax === settings.roundPayoutMax;
}

function providerView(stored: StoredProvider, nowMs = Date.now()) {
  const expiresAt = stored.previousSecretExpiresAt;
  return {
    provider_id: stored.providerId,
    rollback_unknown: stored.rollbackUnknown,
    max_win: stored.winMax === null ? null : stored.winMax.toString(),
    max_round_payout: stored.roundPayoutMax === null ? null : stored.roundPayoutMax.toString(),
    previous_secret_expires_at: expiresAt !== null && nowMs < expiresAt.getTime() ? expiresAt.toISOString() : null,
    configured_by: 'operator' as const,
  };
}

function listedView(provider: Provider) {
  return {
    provider_id: provider.providerId,
    rollback_unknown: provider.rollbackUnknown,
    max_win: provider.winMax === null ? null : provider.winMax.toString(),
    max_round_payout: provider.roundPayoutMax === null ? null : provider.roundPayoutMax.toString(),
    previous_secret_expires_at: provider.previousSecretExpiresAt === null ? null : provider.previousSecretExpiresAt.toISOString(),
    configured_by: provider.configuredBy,
  };
}
