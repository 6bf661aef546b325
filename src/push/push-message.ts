import { envelopeOf } from '../bus/event-envelope.js';
import type { DomainEvent } from '../core/events.js';
import type { SequencedEvent } from '../engine/committed-batch.js';

/**
 * What a player's socket is told of: its balance changes, wagering progress and bonus state.
 * A refusal moved nothing, so it is not pushed (the caller that sent it had the answer).
 */
export function isPushed(event: DomainEvent): boolean {
  return event.type !== 'transaction.refused';
}

/** A rendered event frame and its number in the partition's sequence. */
export interface PushFrame {
  readonly sequence: bigint;
  readonly text: string;
}

/**
 * One event as a text frame: the envelope of docs/events.md, exactly as the bus carries it
 * (`id`, `type`, `time`, `player_id`, `partition`, `sequence`, `payload`). `time` is when its
 * batch committed, or when it was read back from the store during a catch-up, as on the bus.
 */
export function eventFrame(partition: number, sequenced: SequencedEvent, time: Date): PushFrame {
  return { sequence: sequenced.sequence, text: JSON.stringify(envelopeOf(partition, sequenced, time)) };
}

/** The first frame of every socket: whose events it carries and how to resume. */
export function helloMessage(playerId: string, partition: number, after: bigint | null, heartbeatMs: number): string {
  return JSON.stringify({ type: 'stream.hello', player_id: playerId, partition, after: after === null ? null : String(after), heartbeat_ms: heartbeatMs });
}

/** Sent once the socket has every stored event after `after`: from here on events are live. */
export function liveMessage(lastSequence: bigint | null): string {
  return JSON.stringify({ type: 'stream.live', sequence: lastSequence === null ? null : String(lastSequence) });
}
