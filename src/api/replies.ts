import type { FastifyReply } from 'fastify';
import type { Accepted, Outcome } from '../core/outcome.js';
import type { ErrorCode } from './error-registry.js';
import { statusOf } from './error-registry.js';

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
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
