import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimits } from '../rate-limits.js';
import { sendError } from '../replies.js';
import { keyFingerprint, matchKey } from './operator-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The operator key's id (`key:` + its fingerprint), for the audit log; set once the key is known. */
    operatorKeyId?: string;
  }
}

/**
 * The operator scope's onRequest hook: a known bearer key, then its rate limit. Log lines of the
 * request carry the key's fingerprint, never the key, and so does the audit log (`operatorKeyId`).
 */
export function operatorAuthentication(keys: readonly string[], rateLimits: RateLimits) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const authorization = request.headers.authorization;
    const presented = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    const key = presented === '' ? null : matchKey(keys, presented);
    if (key === null) return sendError(reply, 'UNAUTHORIZED', 'missing or unknown operator API key (Authorization: Bearer <key>)');
    const fingerprint = keyFingerprint(key);
    request.log = request.log.child({ operatorKey: fingerprint });
    request.operatorKeyId = `key:${fingerprint}`;
    const limited = await rateLimits.consume('operator', fingerprint);
    if (limited !== null) return sendError(reply.header('Retry-After', String(limited.retryAfterSeconds)), 'RATE_LIMITED', 'this operator key sends too many requests');
    return undefined;
  };
}
