import type { FastifyInstance } from 'fastify';
import type { Croupier } from '../../croupier.js';
import type { ProviderRegistry } from '../provider/provider-registry.js';
import type { RateLimits } from '../rate-limits.js';
import { accountRoutes } from './account-routes.js';
import { auditRoutes } from './audit-routes.js';
import { bonusRoutes } from './bonus-routes.js';
import { campaignRoutes } from './campaign-routes.js';
import { gameRoutes } from './game-routes.js';
import { operatorAuthentication } from './operator-authentication.js';
import { playerRoutes } from './player-routes.js';
import { providerAdminRoutes } from './provider-admin-routes.js';
import { reportRoutes } from './report-routes.js';
import type { PlayerTokens } from '../../push/player-tokens.js';
import { tokenRoutes } from './token-routes.js';
import { transactionRoutes } from './transaction-routes.js';
import { webhookRoutes } from './webhook-routes.js';
import { urlPolicyOf } from '../../webhooks/url-policy.js';

export interface OperatorRouteOptions {
  readonly croupier: Croupier;
  readonly providers: ProviderRegistry;
  readonly rateLimits: RateLimits;
  readonly keys: readonly string[];
  readonly playerTokens: PlayerTokens;
}

/**
 * The operator API: one scope behind bearer keys, its routes by resource. They are added in the
 * order the OpenAPI document lists them.
 */
export async function operatorRoutes(app: FastifyInstance, options: OperatorRouteOptions): Promise<void> {
  const { croupier, providers, rateLimits, keys, playerTokens } = options;
  app.addHook('onRequest', operatorAuthentication(keys, rateLimits));
  playerRoutes(app, croupier, croupier.players);
  accountRoutes(app, croupier);
  transactionRoutes(app, croupier, croupier.history);
  gameRoutes(app, croupier.catalogue);
  campaignRoutes(app, croupier.catalogue, croupier.bonuses);
  bonusRoutes(app, croupier, croupier.bonuses);
  providerAdminRoutes(app, providers);
  auditRoutes(app, croupier.audit);
  reportRoutes(app, croupier.reports);
  tokenRoutes(app, croupier, playerTokens);
  webhookRoutes(app, croupier.webhooks, urlPolicyOf(process.env));
}
