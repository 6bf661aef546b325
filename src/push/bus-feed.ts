import { eventSubjectPrefix } from '../bus/bus-streams.js';
import type { BusSubscription, EventBus } from '../bus/event-bus.js';
import type { PushFrame } from './push-message.js';

/**
 * Events committed on other nodes, for this node's sockets: the hub listens to it only while a
 * socket is open. `wants` says whether a socket of the partition is open here, so a message of
 * no interest is not parsed.
 */
export interface RemoteFeed {
  subscribe(wants: (partition: number) => boolean, deliver: (playerId: string, partition: number, frame: PushFrame) => void): BusSubscription;
}

const decoder = new TextDecoder();

/**
 * The cross-node fan-out: every node's relay publishes its committed events on the bus
 * (`croupier.events.<type>.<partition>`, docs/events.md), and each node forwards to its sockets
 * those of its connected players, as they are: the frame is the published envelope. A player
 * on node B so sees a bet committed on node A. Events this node committed arrive twice (from its
 * own commits first); the socket drops the repeat by sequence.
 */
export function busFeed(bus: EventBus, subjectPrefix = eventSubjectPrefix): RemoteFeed {
  return {
    subscribe(wants, deliver) {
      return bus.subscribe(`${subjectPrefix}.>`, (message) => {
        const partition = Number(message.subject.slice(message.subject.lastIndexOf('.') + 1));
        if (!Number.isInteger(partition) || !wants(partition)) return;
        const text = decoder.decode(message.data);
        const envelope = parsed(text);
        // Refusals are not pushed (src/push/push-message.ts isPushed); a malformed envelope is skipped.
        if (envelope === null || envelope.type === 'transaction.refused' || typeof envelope.player_id !== 'string' || typeof envelope.sequence !== 'string' || !/^[0-9]{1,13}$/.test(envelope.sequence)) return;
        deliver(envelope.player_id, partition, { sequence: BigInt(envelope.sequence), text });
      });
    },
  };
}

interface EnvelopeFields {
  readonly type?: unknown;
  readonly player_id?: unknown;
  readonly sequence?: unknown;
}

/** The envelope's fields, or null for a message that is not JSON: a bus handler must not throw. */
function parsed(text: string): EnvelopeFields | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as EnvelopeFields) : null;
  } catch {
    return null;
  }
}
