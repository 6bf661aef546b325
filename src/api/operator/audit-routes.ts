import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { auditActions, auditPageMax, type AuditEntry, type AuditReader } from '../../ports/audit-log.js';
import { Id } from '../schemas.js';
import { errors, security } from './route-settings.js';

/** A page holds this many entries unless the query asks for another number. */
const auditPageDefault = 50;

const AuditAction = Type.Union(auditActions.map((action) => Type.Literal(action)));

export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', default: String(auditPageDefault), description: `1–999, capped at ${auditPageMax}` })),
    cursor: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'next_cursor of the previous page' })),
    target: Type.Optional(Type.With(Id, { description: 'only changes to this player, provider, campaign or game' })),
    action: Type.Optional(AuditAction),
  },
  { additionalProperties: false },
);

export const AuditItem = Type.Object({
  audit_id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'the operator key that made the change: "key:" and the first 12 hex digits of its SHA-256, never the key' }),
  request_id: Type.String({ description: 'the x-request-id of the call' }),
  action: Type.String({ description: `one of: ${auditActions.join(', ')}` }),
  target: Type.String({ description: 'the player, provider, campaign or game changed' }),
  change: Type.Unknown({ description: 'what changed (never a secret): the command for engine changes, before and after for the others' }),
});

export const AuditPage = Type.Object({ items: Type.Array(AuditItem), next_cursor: Type.Union([Type.String(), Type.Null()]) });

/**
 * The audit log, newest first: every operator call that changed state, with the key's id, the time,
 * the request id and the change. Changes that move money are recorded in the same commit as the change.
 */
export function auditRoutes(app: FastifyInstance, audit: AuditReader): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/v1/audit', { schema: { summary: 'Read the audit log', operationId: 'listAudit', tags: ['audit'], security, querystring: AuditQuery, response: { 200: AuditPage, ...errors } } }, async (request) => {
    const query = request.query;
    const limit = Math.min(Number(query.limit ?? auditPageDefault), auditPageMax);
    const entries = await audit.page({ target: query.target ?? null, action: query.action ?? null }, limit, query.cursor === undefined ? null : BigInt(query.cursor));
    const last = entries.at(-1);
    return { items: entries.map(auditItem), next_cursor: entries.length === limit && last !== undefined ? last.auditId.toString() : null };
  });
}

function auditItem(entry: AuditEntry) {
  return {
    audit_id: entry.auditId.toString(),
    at: entry.at.toISOString(),
    actor: entry.actor,
    request_id: entry.requestId,
    action: entry.action,
    target: entry.target,
    change: entry.change,
  };
}
