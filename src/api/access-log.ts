import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { clipped } from './replies.js';

/**
 * One access line per request, written when the response has gone out (Fastify writes two by
 * default, and the request's headers with them). Method, path (cut to 200 characters), status
 * and milliseconds, and for a refusal its code and, where known, its cause (a signature
 * refusal says which check failed): no headers (signatures, operator keys), no bodies.
 *
 * Provider calls that succeed go at debug: the ledger already records each of them with its
 * provider and transaction id, and at info a line for each of thousands of bets a second was
 * a tenth of the service's CPU. Refusals, errors and every operator call stay at info.
 * What Node's HTTP parser refuses before any route has its line from client-errors.ts.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: clipped(withoutToken(request.url)), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request failed while responding');
    else if (reply.statusCode < 400 && request.url.startsWith(providerPrefix)) reply.log.debug(line, 'request');
    else if (reply.refusal === null) reply.log.info(line, 'request');
    else reply.log.info({ ...line, code: reply.refusal.code, ...(reply.refusal.reason === null ? {} : { reason: reply.refusal.reason }) }, 'request');
  }
}

const providerPrefix = '/v1/provider/';

/** A player token in a query (GET /v1/stream?token=) is a credential: the line keeps that it was there, not its value. */
export function withoutToken(url: string): string {
  return url.includes('token=') ? url.replace(/([?&]token=)[^&#]*/g, '$1…') : url;
}
