import type { DomainEvent } from '../core/events.js';
import type { SequencedEvent } from '../engine/committed-batch.js';
import { ledgerId } from '../store/ledger-store.js';

/**
 * The JSON body of a webhook delivery (docs/webhooks.md). No shared envelope existed in
 * src/bus/ when webhooks were written; this one has the fields issue 15 names for the bus.
 */
export interface EventEnvelope {
  /** The event's ledger id, as a string of digits: the receiver's deduplication key. */
  readonly id: string;
  readonly type: DomainEvent['type'];
  /** ISO 8601: when the batch committed (for an event caught up from the store: when it was caught up). */
  readonly time: string;
  readonly player_id: string;
  readonly partition: number;
  /** The event's number in its partition, as a string of digits. */
  readonly sequence: string;
  /** The event's own fields, snake_case, amounts as strings of digits. */
  readonly payload: JsonValue;
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function envelopeOf(partition: number, sequenced: SequencedEvent, time: Date): EventEnvelope {
  const { type, playerId, ...fields } = sequenced.event;
  return {
    id: String(ledgerId(partition, sequenced.sequence)),
    type,
    time: time.toISOString(),
    player_id: playerId,
    partition,
    sequence: String(sequenced.sequence),
    payload: jsonOf(fields),
  };
}

/** Plain JSON of a value: bigints become strings of digits, dates ISO strings, keys snake_case. */
export function jsonOf(value: unknown): JsonValue {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(jsonOf);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [snakeCase(key), jsonOf(field)]));
  }
  throw new Error(`invariant violated: an event holds a ${typeof value}, which has no JSON form`);
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
