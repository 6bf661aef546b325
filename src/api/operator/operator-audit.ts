import type { FastifyRequest } from 'fastify';
import type { AuditAction, AuditDraft } from '../../ports/audit-log.js';

/** Who made the request: the authenticated key's id. The operator scope's hook sets it before any route runs. */
function actorOf(request: FastifyRequest): string {
  const actor = request.operatorKeyId;
  if (actor === undefined) throw new Error('invariant violated: an operator route runs after authentication');
  return actor;
}

/** The `audit` field of an engine command: the engine records it with the batch that applies the command. */
export function auditStamp(request: FastifyRequest, action: AuditAction): { actor: string; requestId: string; action: AuditAction } {
  return { actor: actorOf(request), requestId: request.id, action };
}

/** The audit row of a change made outside the engine; the store adds what changed and writes it with the change. */
export function auditDraft(request: FastifyRequest, action: AuditAction, target: string): AuditDraft {
  return { at: new Date(), actor: actorOf(request), requestId: request.id, action, target };
}
