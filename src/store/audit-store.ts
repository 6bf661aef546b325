import { auditPageMax, type AuditAction, type AuditEntry, type AuditFilter, type AuditReader, type AuditRecord } from '../ports/audit-log.js';
import type { SqlClient } from './sql-client.js';

/**
 * The audit row of a change, as a statement part: `INSERT INTO audit_log … SELECT … FROM <from>`,
 * so that a data-modifying CTE records its change only when `from` (the CTE that made the change)
 * has a row. Its five parameters (time, actor, request id, action, target) start at `$first`, in
 * the order of `auditParameters`; `change` is a jsonb expression over `from`, and `target`, when
 * given, an expression that names each row's target instead of the parameter.
 */
export function auditInsert(from: string, first: number, change: string, target?: string): string {
  const p = (offset: number) => `$${first + offset}`;
  return `INSERT INTO audit_log (at, actor, request_id, action, target, change)
          SELECT ${p(0)}::timestamptz, ${p(1)}::text, ${p(2)}::text, ${p(3)}::text, ${target === undefined ? `${p(4)}::text` : `coalesce(${target}, ${p(4)}::text)`}, ${change} FROM ${from}`;
}

export function auditParameters(record: Omit<AuditRecord, 'change'>): unknown[] {
  return [record.at.toISOString(), record.actor, record.requestId, record.action, record.target];
}

export class AuditStore implements AuditReader {
  constructor(private readonly client: SqlClient) {}

  async page(filter: AuditFilter, limit: number, before: bigint | null): Promise<AuditEntry[]> {
    // Only the conditions asked for, so that each query can use its index: (target, audit_id), (action, audit_id) or the key.
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (column: string, operator: string, value: unknown) => {
      parameters.push(value);
      conditions.push(`${column} ${operator} $${parameters.length}`);
    };
    if (before !== null) where('audit_id', '<', String(before));
    if (filter.target !== null) where('target', '=', filter.target);
    if (filter.action !== null) where('action', '=', filter.action);
    parameters.push(Math.min(limit, auditPageMax));
    const rows = await this.client.query<AuditRow>(
      `SELECT audit_id::text, at, actor, request_id, action, target, change FROM audit_log
       ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
       ORDER BY audit_log.audit_id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map(entryOf);
  }
}

interface AuditRow {
  audit_id: string;
  at: Date | string;
  actor: string;
  request_id: string | null;
  action: string;
  target: string | null;
  change: Record<string, unknown> | string;
}

function entryOf(row: AuditRow): AuditEntry {
  return {
    auditId: BigInt(row.audit_id),
    at: new Date(row.at),
    actor: row.actor,
    requestId: row.request_id ?? '',
    action: row.action as AuditAction,
    target: row.target ?? '',
    change: typeof row.change === 'string' ? (JSON.parse(row.change) as Record<string, unknown>) : row.change,
  };
}
