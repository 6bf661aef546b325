/**
 * The event bus port: what the relay, and later the push gateways and webhooks, need from a
 * message bus. Two adapters sit behind it: the in-process bus (the embedded default, so
 * `npm start` needs no server) and NATS JetStream (`NATS_URL`). Subjects follow NATS rules:
 * tokens separated by dots, `*` matches one token and `>` the rest (docs/events.md).
 */
export interface EventBus {
  readonly kind: 'embedded' | 'nats';
  /**
   * Publishes one message and resolves once the bus holds it durably (JetStream's ack). A
   * message whose id the bus has seen within its duplicate window is not stored again and
   * resolves with `duplicate: true`. Rejects with BusUnavailableError while the bus is down.
   */
  publish(message: BusMessage): Promise<PublishAck>;
  /** Live messages on subjects matching the pattern, from now on (no replay); handlers must not throw. */
  subscribe(pattern: string, handler: (message: BusMessage) => void): BusSubscription;
  /** Whether publishing can succeed now, and why not. */
  health(): BusHealth;
  close(): Promise<void>;
}

export interface BusMessage {
  readonly subject: string;
  /** The deduplication id (`Nats-Msg-Id`). */
  readonly id: string;
  readonly data: Uint8Array;
}

export interface PublishAck {
  readonly duplicate: boolean;
}

export interface BusSubscription {
  unsubscribe(): void;
}

export interface BusHealth {
  readonly kind: 'embedded' | 'nats';
  readonly connected: boolean;
  /** The last connection or publish problem while disconnected; null when connected. */
  readonly problem: string | null;
}

/** The bus cannot take a message now; the caller keeps it and retries later. */
export class BusUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`event bus unavailable: ${reason}`);
    this.name = 'BusUnavailableError';
  }
}

/** Whether a NATS subject matches a pattern with `*` (one token) and `>` (one or more trailing tokens). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  for (let index = 0; index < wanted.length; index += 1) {
    const token = wanted[index];
    if (token === '>') return tokens.length > index;
    if (index >= tokens.length) return false;
    if (token !== '*' && token !== tokens[index]) return false;
  }
  return wanted.length === tokens.length;
}
