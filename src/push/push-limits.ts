/**
 * Every bound of live push, named (docs/architecture.md §7). `checkPushLimits` asserts the
 * relations between them when the stream starts.
 */
export interface PushLimits {
  /** Open sockets on this node; past it a new one is refused TOO_MANY_CONNECTIONS. */
  readonly socketsPerNodeMax: number;
  /** Open sockets of one player (tabs, devices); past it a new one is refused TOO_MANY_CONNECTIONS. */
  readonly socketsPerPlayerMax: number;
  /** Bytes a socket may have waiting to be written (ws's buffer); past it the client is cut off. */
  readonly sendBufferBytesMax: number;
  /** Live events a socket holds while it catches up from the store; past it they are dropped and read back. */
  readonly catchUpBufferedEventsMax: number;
  /** Events one catch-up read asks the store for. */
  readonly catchUpPageSize: number;
  /** Events a reconnecting client may be behind; past it the socket is closed 4409 and the client reloads its state. */
  readonly catchUpEventsMax: number;
  /** One sweep pings every socket; a socket that has not answered the previous ping is closed. */
  readonly heartbeatMs: number;
  /** Bytes of a message a client may send (it has nothing to say: a larger one closes the socket). */
  readonly clientMessageBytesMax: number;
}

export const defaultPushLimits: PushLimits = {
  socketsPerNodeMax: 20_000,
  socketsPerPlayerMax: 8,
  sendBufferBytesMax: 1024 * 1024,
  catchUpBufferedEventsMax: 1_024,
  catchUpPageSize: 500,
  catchUpEventsMax: 50_000,
  heartbeatMs: 30_000,
  clientMessageBytesMax: 4 * 1024,
};

/** The store never gives more than this in one read (src/ports/event-log.ts). */
const storePageMax = 10_000;

export function checkPushLimits(limits: PushLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`push limit ${name} must be a positive integer, got ${String(value)}`);
  }
  if (limits.socketsPerPlayerMax > limits.socketsPerNodeMax) throw new Error('push limits: socketsPerPlayerMax must be at most socketsPerNodeMax');
  if (limits.catchUpPageSize > storePageMax) throw new Error(`push limits: catchUpPageSize must be at most ${storePageMax}, the store's page`);
  if (limits.catchUpPageSize > limits.catchUpEventsMax) throw new Error('push limits: catchUpPageSize must be at most catchUpEventsMax');
  if (limits.heartbeatMs < 100) throw new Error('push limits: heartbeatMs must be at least 100');
  // A page of events must fit the send buffer, or catching up would cut off every client.
  if (limits.sendBufferBytesMax < 4 * 1024) throw new Error('push limits: sendBufferBytesMax must be at least 4 KiB');
}
