import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { statusOf, type ErrorCode } from './error-registry.js';

/** How long a refused connection may stay open for the client to read the answer and close. */
const refusedConnectionLingerMs = 5_000;

interface ClientRefusal {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before any route runs (headers
 * over 16 KiB, a malformed request line, a header without a colon, a request not received in
 * time) is answered in the one error shape, with a request id, and gets its access line like
 * any other refusal. Nothing of the request is echoed or logged: it may hold a 40,000-character
 * URL or an operator key. The connection is closed after the answer.
 */
export function clientErrorHandler(logger: () => FastifyBaseLogger, requestTimeoutMs: number) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection cannot be answered; one already answered is being closed.
    if (error.code === 'ECONNRESET' || socket.destroyed || socket.writableEnded) return;
    const refusal = refusalOf(error.code, requestTimeoutMs);
    const status = statusOf(refusal.code);
    const requestId = randomUUID();
    const reason = /^[A-Z0-9_]{1,64}$/.test(error.code ?? '') ? error.code : 'unknown';
    logger().info({ reqId: requestId, status, code: refusal.code, reason, ms: 0 }, 'request');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: refusal });
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      `x-request-id: ${requestId}`,
      'connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), refusedConnectionLingerMs).unref();
  };
}

function refusalOf(nodeCode: string | undefined, requestTimeoutMs: number): ClientRefusal {
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return { code: 'HEADERS_TOO_LARGE', message: 'the request line and headers are over 16 KiB' };
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: 'REQUEST_TIMEOUT', message: `the request was not received in full within ${requestTimeoutMs / 1000} s` };
  return { code: 'VALIDATION_ERROR', message: 'the HTTP request is malformed (its request line or a header cannot be parsed); nothing was applied' };
}
