import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { Croupier } from '../croupier.js';
import { AccessLog } from './access-log.js';
import { clientErrorHandler } from './client-errors.js';
import { healthRoutes } from './health-routes.js';
import type { BusReadiness } from '../bus/event-publishing.js';
import { jsonBodyProblem } from './json-body.js';
import { lazyRequestLogger } from './lazy-request-logger.js';
import { openApiOptions } from './openapi.js';
import { operatorRoutes } from './operator/operator-routes.js';
import { providerRoutes } from './provider/provider-routes.js';
import { PlayerTokens } from '../push/player-tokens.js';
import type { RemoteFeed } from '../push/bus-feed.js';
import { PushHub } from '../push/push-hub.js';
import { defaultPushLimits, type PushLimits } from '../push/push-limits.js';
import { streamRoutes } from '../push/stream-route.js';
import type { ProviderRegistry } from './provider/provider-registry.js';
import type { RateLimits } from './rate-limits.js';
import { errorHandler, notFoundHandler } from './refusal-handlers.js';
import { clipped, sendError } from './replies.js';
import { RouteMethods } from './route-methods.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The player sockets of this node (GET /v1/stream). */
    pushHub: PushHub;
  }
  interface FastifyRequest {
    /** The body exactly as received: provider signatures are computed over these bytes. */
    rawBody?: Buffer;
  }
}

/**
 * Explicit limits of the HTTP layer. Headers (with the request line) are held to Node's 16 KiB
 * (431 HEADERS_TOO_LARGE); a body over `bodyBytesMax` is refused 413 PAYLOAD_TOO_LARGE.
 */
export const httpLimits = {
  bodyBytesMax: 16 * 1024,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 65_000,
} as const;

export interface AppOptions {
  readonly croupier: Croupier;
  readonly providers: ProviderRegistry;
  readonly rateLimits: RateLimits;
  readonly operatorKeys: readonly string[];
  readonly logger?: Logger | undefined;
  /** Player tokens for GET /v1/stream (a secret for this run when not given) and the push limits. */
  readonly push?: { readonly tokens?: PlayerTokens | undefined; readonly limits?: Partial<PushLimits> | undefined; readonly remote?: RemoteFeed | undefined } | undefined;
  /** Unix seconds; injectable so that tests can check the signature window. */
  readonly nowSeconds?: (() => number) | undefined;
  /** What `/ready` shows of the event bus (src/bus/event-publishing.ts); absent, it shows nothing. */
  readonly busReadiness?: (() => BusReadiness) | undefined;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const routeMethods = new RouteMethods();
  const app: FastifyInstance = Fastify({
    ...(options.logger === undefined ? {} : { loggerInstance: options.logger as FastifyBaseLogger }),
    bodyLimit: httpLimits.bodyBytesMax,
    requestTimeout: httpLimits.requestTimeoutMs,
    keepAliveTimeout: httpLimits.keepAliveTimeoutMs,
    // A caller's X-Request-Id is kept when it is a sane id; anything else gets a fresh one (see requestIdOf).
    requestIdHeader: false,
    logController: new AccessLog(),
    childLoggerFactory: lazyRequestLogger,
    // Ids in paths may be 128 characters (Fastify's default allows 100).
    routerOptions: { maxParamLength: 256 },
    // Refusals Fastify makes before routing (bad URL encoding, ...) keep the one error shape.
    frameworkErrors: (error, _request, reply) => {
      void sendError(reply, 'VALIDATION_ERROR', clipped(error.message));
    },
    clientErrorHandler: clientErrorHandler(() => app.log, httpLimits.requestTimeoutMs),
    genReqId: requestIdOf,
    // Wrong types are refused, not coerced; unknown fields are refused, not dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });

  app.decorateReply('refusal', null);
  app.addHook('onRoute', (route) => routeMethods.add(route));

  // JSON is the one media type either API takes (Fastify would also read text/plain): 415 otherwise.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    const read = readJsonBody(raw);
    if (typeof read === 'string') done(Object.assign(new Error(read), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON' }), undefined);
    else done(null, read.value);
  });

  // Callback hooks, not async ones: they run on every request and need no promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  app.setErrorHandler(errorHandler(httpLimits.bodyBytesMax));
  app.setNotFoundHandler(notFoundHandler(routeMethods));

  await app.register(swagger, openApiOptions(options.croupier.settings.moneyLimits));
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  healthRoutes(app, options.croupier, options.busReadiness);
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  await app.register(providerRoutes, { croupier: options.croupier, providers: options.providers, rateLimits: options.rateLimits, nowSeconds });
  const playerTokens = options.push?.tokens ?? new PlayerTokens(randomBytes(32).toString('base64url'));
  const pushHub = new PushHub({ source: options.croupier, events: options.croupier.events, partitionCount: options.croupier.settings.partitionCount, limits: { ...defaultPushLimits, ...options.push?.limits }, remote: options.push?.remote });
  app.decorate('pushHub', pushHub);
  await app.register(operatorRoutes, { croupier: options.croupier, providers: options.providers, rateLimits: options.rateLimits, keys: options.operatorKeys, playerTokens });
  await app.register(streamRoutes, { hub: pushHub, tokens: playerTokens });
  return app;
}

/** The body's value, or why it is refused: not JSON, or JSON that would not mean what was sent. */
function readJsonBody(raw: Buffer): { readonly value: unknown } | string {
  if (raw.length === 0) return { value: undefined };
  const text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the body is not valid JSON';
  }
  return jsonBodyProblem(text) ?? { value };
}

/** The most characters of a caller's X-Request-Id that are kept (it goes into logs and the audit trail). */
const requestIdLengthMax = 128;

/** The caller's X-Request-Id when it is 1–128 visible ASCII characters; otherwise a fresh UUID (never a refusal). */
function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && given.length <= requestIdLengthMax && /^[\x21-\x7e]+$/.test(given)) return given;
  return randomUUID();
}
