import type { DomainEvent } from '../core/events.js';

/** Every event type a webhook can ask for: a record, so the compiler refuses a type left out. */
const eventTypeSet: Readonly<Record<DomainEvent['type'], true>> = {
  'transaction.deposit': true,
  'transaction.withdrawal': true,
  'transaction.bet': true,
  'transaction.win': true,
  'transaction.rollback': true,
  'transaction.bonus_credit': true,
  'transaction.bonus_conversion': true,
  'transaction.bonus_forfeit': true,
  'transaction.tombstone': true,
  'transaction.refused': true,
  'bonus.granted': true,
  'bonus.activated': true,
  'bonus.expired': true,
  'bonus.forfeited': true,
  'bonus.depleted': true,
  'bonus.cancelled': true,
  'bonus.converted': true,
  'bonus.opted_in': true,
  'wagering.progressed': true,
};

export const eventTypes: readonly DomainEvent['type'][] = Object.keys(eventTypeSet) as DomainEvent['type'][];

/** An event type, `prefix.*` (every type of that prefix) or `*` (every type). */
export function isEventTypePattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return eventTypes.some((type) => type.startsWith(prefix));
  }
  return Object.hasOwn(eventTypeSet, pattern);
}

export function matchesEventType(patterns: readonly string[], type: string): boolean {
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === type) return true;
    if (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}
