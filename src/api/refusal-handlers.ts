import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { clipped, sendError } from './replies.js';
import type { RouteMethods } from './route-methods.js';

/**
 * Fastify's error handler: what Fastify refuses itself keeps the one error shape, with the
 * status HTTP clients expect (413 for a body over `bodyBytesMax`, 415 for another media type,
 * 400 for the rest), and anything else is a bug, answered 500 and logged.
 */
export function errorHandler(bodyBytesMax: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'PAYLOAD_TOO_LARGE', `the body is over ${bodyBytesMax} bytes, the limit of both APIs`);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', `send the body as Content-Type: application/json (got ${clipped(request.headers['content-type'] ?? 'none', 100)})`);
    }
    if (error.validation !== undefined || (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)) {
      const where = error.validationContext === undefined ? '' : `${error.validationContext}: `;
      return sendError(reply, 'VALIDATION_ERROR', clipped(`${where}${error.message}`, 500));
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 'INTERNAL_ERROR', 'unexpected error; retrying with the same transaction id is safe');
  };
}

/** 405 with an Allow header for a path some route has with other methods; 404 for any other path. */
export function notFoundHandler(routeMethods: RouteMethods) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routeMethods.allowed(path);
    // A route that takes this method and still found nothing (a wildcard's missing file) is a 404, not a 405.
    if (allowed.length === 0 || allowed.includes(request.method)) return sendError(reply, 'ROUTE_NOT_FOUND', `no route ${request.method} ${clipped(path)}`);
    return sendError(reply.header('allow', allowed.join(', ')), 'METHOD_NOT_ALLOWED', `${clipped(path)} does not take ${request.method}; it takes ${allowed.join(', ')}`);
  };
}
