import type { FastifyReply } from 'fastify';
import type { Accepted, Outcome } from '../core/outcome.js';
import type { ErrorCode } from './error-registry.js';
import { statusOf } from './error-registry.js';

/** What a refusal was, for its access line: the code answered and, where one is known, a short cause. */
export interface Refusal {
  readonly code: ErrorCode;
  readonly reason: string | null;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Set by sendError; null on a reply that is not a refusal (decorated in buildApp). */
    refusal: Refusal | null;
  }
}

/** Longest piece of a caller's input (a URL, a header) that a message or a log line repeats. */
export const echoedLengthMax = 200;

/** `text` cut to `max` characters, marked when cut: a 40,000-character URL is not echoed back. */
export function clipped(text: string, max = echoedLengthMax): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, reason: string | null = null): FastifyReply {
  reply.refusal = { code, reason };
  return reply.code(statusOf(code)).send({ error: { code, message } });
}

export function balanceOf(outcome: Accepted): { cash: string; bonus: string; total: string } {
  const { cash, bonus } = outcome.balance;
  return { cash: cash.toString(), bonus: bonus.toString(), total: (cash + bonus).toString() };
}

/** Answers with the outcome: the accepted body from `render`, or the refusal with its registered status. */
export function sendOutcome(reply: FastifyReply, outcome: Outcome, render: (accepted: Accepted) => object, status = 200): FastifyReply {
  if (!outcome.ok) return sendError(reply, outcome.code, outcome.message);
  return reply.code(status).send(render(outcome));
}
