/** A JetStream stream as Croupier creates or updates it at start-up: every limit named. */
export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  /** Messages older than this are removed (the store keeps the events; the bus is not the archive). */
  readonly maxAgeMs: number;
  /** Past this size the oldest messages are removed. */
  readonly maxBytes: number;
  /** A message id seen within this window is not stored twice: it must outlast a relay restart. */
  readonly duplicateWindowMs: number;
}

export interface EventStreamSettings {
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  readonly duplicateWindowMs: number;
}

export const eventStreamName = 'CROUPIER_EVENTS';
export const eventSubjectPrefix = 'croupier.events';

export const eventStreamDefaults: EventStreamSettings = {
  maxAgeMs: 7 * 24 * 3_600_000,
  maxBytes: 1024 * 1024 * 1024,
  duplicateWindowMs: 10 * 60_000,
};

/** The stream of committed events: `croupier.events.<type>.<partition>` (tests name their own stream and prefix). */
export function eventStreamSpec(settings: EventStreamSettings = eventStreamDefaults, name = eventStreamName, subjectPrefix = eventSubjectPrefix): StreamSpec {
  if (!(settings.duplicateWindowMs > 0)) throw new Error('invariant violated: the duplicate window is positive');
  if (settings.duplicateWindowMs > settings.maxAgeMs) throw new Error('invariant violated: the duplicate window is at most the stream max age');
  if (!(settings.maxBytes > 0)) throw new Error('invariant violated: the stream max bytes is positive');
  return { name, subjects: [`${subjectPrefix}.>`], ...settings };
}
