import { failure, success, type Result } from '../core/result.js';

/**
 * Who asked for a command, for the operator audit trail: the key's id (never the key), the
 * request id, and what the call was. The engine writes it with the batch that applies the
 * command, when the command changed something.
 */
export interface AuditStamp {
  readonly actor: string;
  readonly requestId: string | null;
  readonly action: string;
}

const textMax = 128;

/** An input's optional `audit` field; absent means the command is not audited. */
export function parseAuditStamp(input: unknown): Result<AuditStamp | null> {
  if (input === undefined || input === null) return success(null);
  if (typeof input !== 'object') return failure('VALIDATION_ERROR', 'audit must be an object');
  const { actor, requestId, action } = input as Record<string, unknown>;
  if (!boundedText(actor)) return failure('VALIDATION_ERROR', `audit.actor must be a string of 1 to ${textMax} characters`);
  if (!boundedText(action)) return failure('VALIDATION_ERROR', `audit.action must be a string of 1 to ${textMax} characters`);
  if (requestId !== undefined && requestId !== null && !boundedText(requestId)) return failure('VALIDATION_ERROR', `audit.requestId must be a string of 1 to ${textMax} characters`);
  return success({ actor, action, requestId: typeof requestId === 'string' ? requestId : null });
}

function boundedText(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= textMax;
}
