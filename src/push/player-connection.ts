import type { WebSocket } from 'ws';
import type { EventLog } from '../ports/event-log.js';
import type { PushLimits } from './push-limits.js';
import { eventFrame, isPushed, liveMessage, type PushFrame } from './push-message.js';

/** Close codes a client acts on (README "Live push"). */
export const closeCodes = {
  goingAway: 1001,
  policyViolation: 1008,
  tryAgainLater: 1013,
  tokenExpired: 4001,
  tooFarBehind: 4409,
} as const;

/** How often a catch-up that waits for the client to read looks at its send buffer again. */
const drainPollMs = 20;

/** What a connection needs of its hub: limits, the store, and a way to say it went away. */
export interface ConnectionContext {
  readonly limits: PushLimits;
  readonly events: EventLog;
  /** The socket has gone (closed, terminated or cut off); `cutOff` when its buffer overflowed. */
  gone(connection: PlayerConnection, cutOff: boolean): void;
}

/**
 * One player's socket. Live events are sent at once, unless the connection is catching up from
 * the store: then they wait in a bounded list, and those at or below the last sequence sent are
 * dropped when it ends, so a client sees each event once, in sequence order.
 */
export class PlayerConnection {
  /** The last sequence sent (or the one the client said it saw); null until something is. */
  lastSent: bigint | null;
  /** Cleared by each heartbeat sweep and set by the client's pong. */
  alive = true;
  private pending: PushFrame[] | null = null;
  private catchUpAgain = false;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly playerId: string,
    readonly partition: number,
    readonly expiresAtMs: number,
    after: bigint | null,
    private readonly context: ConnectionContext,
  ) {
    this.lastSent = after;
  }

  get catchingUp(): boolean {
    return this.pending !== null;
  }

  /** A live event of this player (already rendered), in sequence order. */
  offer(frame: PushFrame): void {
    if (this.closed) return;
    if (this.pending === null) return this.sendFrame(frame);
    if (this.pending.length >= this.context.limits.catchUpBufferedEventsMax) {
      // The store has them all: drop what waits and read again once this pass ends.
      this.pending = [];
      this.catchUpAgain = true;
      return;
    }
    this.pending.push(frame);
  }

  /** The hub missed events of this partition from `gapStart` on: read them back from the store. */
  missed(gapStart: bigint): void {
    if (this.closed) return;
    this.lastSent ??= gapStart - 1n;
    if (this.pending !== null) this.catchUpAgain = true;
    else void this.catchUp();
  }

  /** Sends every stored event after `lastSent`, then what arrived live meanwhile, then `stream.live`. */
  async catchUp(): Promise<void> {
    if (this.closed || this.pending !== null) return;
    this.pending = [];
    let sent = 0;
    try {
      do {
        this.catchUpAgain = false;
        const read = await this.readFromStore(this.context.limits.catchUpEventsMax - sent);
        if (read === null) return;
        sent += read;
      } while (this.catchUpAgain && !this.closed);
    } catch {
      // The store did not answer: the client reconnects with its last sequence and loses nothing.
      this.close(closeCodes.tryAgainLater, 'the event log could not be read; reconnect with ?after=');
      return;
    }
    const waiting = this.pending;
    // Closed meanwhile: close() already let go of what waited.
    if (this.closed || waiting === null) return;
    this.pending = null;
    for (const frame of waiting) this.sendFrame(frame);
    this.send(liveMessage(this.lastSent));
  }

  /** Pages of stored events after `lastSent`, until a short page; null when the socket went or fell too far behind. */
  private async readFromStore(budget: number): Promise<number | null> {
    const { catchUpPageSize } = this.context.limits;
    let sent = 0;
    for (;;) {
      const page = await this.context.events.read({ partition: this.partition, afterSequence: this.lastSent ?? -1n, limit: catchUpPageSize, playerId: this.playerId });
      if (this.closed) return null;
      const readAt = new Date();
      for (const sequenced of page) if (isPushed(sequenced.event)) this.sendFrame(eventFrame(this.partition, sequenced, readAt));
      sent += page.length;
      if (sent > budget) {
        this.close(closeCodes.tooFarBehind, 'too many events missed: reload the state through the API and reconnect without ?after=');
        return null;
      }
      if (page.length < catchUpPageSize) return sent;
      if (!(await this.drained())) return null;
    }
  }

  /** Waits until the client has read half the send buffer; false when the socket went meanwhile. */
  private async drained(): Promise<boolean> {
    const lowWater = this.context.limits.sendBufferBytesMax / 2;
    while (!this.closed && this.socket.bufferedAmount > lowWater) {
      await new Promise((resolve) => setTimeout(resolve, drainPollMs));
    }
    return !this.closed;
  }

  /** Sends a frame unless the client already has it (at or below the last sequence sent). */
  private sendFrame(frame: PushFrame): void {
    if (this.lastSent !== null && frame.sequence <= this.lastSent) return;
    this.lastSent = frame.sequence;
    this.send(frame.text);
  }

  /** Sends a frame, or cuts the client off when its buffer would pass the limit (it reads nothing). */
  send(text: string): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount + Buffer.byteLength(text) > this.context.limits.sendBufferBytesMax) return this.cutOff();
    this.socket.send(text);
  }

  /** One heartbeat: closes a socket past its token or silent since the last ping, else pings it. */
  sweep(nowMs: number): void {
    if (this.closed) return;
    if (nowMs >= this.expiresAtMs) return this.close(closeCodes.tokenExpired, 'the token expired: reconnect with a new token and ?after=');
    if (!this.alive) return this.terminate(false);
    if (this.socket.bufferedAmount > this.context.limits.sendBufferBytesMax) return this.terminate(true);
    this.alive = false;
    this.socket.ping();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = null;
    this.socket.close(code, reason);
    this.context.gone(this, false);
  }

  /** The socket closed from the other side (or by ws): forget it. */
  closedByPeer(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = null;
    this.context.gone(this, false);
  }

  private cutOff(): void {
    this.terminate(true);
  }

  /** No close frame: it would wait behind everything the client has not read. */
  private terminate(cutOff: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = null;
    this.socket.terminate();
    this.context.gone(this, cutOff);
  }
}
