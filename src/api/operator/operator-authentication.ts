import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimits } from '../rate-limits.js';
import { sendError } from '../replies.js';
import { keyFingerprint, matchKey } from './operator-keys.js';

/**
 * The operator scope's onRequest hook: a known bearer key, then its rate limit. Log lines of the
 * request carry the key's fingerprint, never the key.
 */
export function operatorAuthentication(keys: readonly string[], rateLimits: RateLimits) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const authorization = request.headers.authorization;
    const presented = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    const key = presented === '' ? null : matchKey(keys, presented);
    if (key === null) return sendError(reply, 'UNAUTHORIZED', 'missing or unknown operator API key (Authorization: Bearer <key>)');
    const fingerprint = keyFingerprint(key);
    request.log = request.log.child({ operatorKey: fingerprint });
    const limited = await rateLimits.consume('operator', fingerprint);
    if (limited !== null) return sendError(reply.header('Retry-After', String(limited.retryAfterSeconds)), 'RATE_LIMITED', 'this operator key sends too many requests');
    return undefined;
  };
}
