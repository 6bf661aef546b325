import type { Croupier } from '../croupier.js';
import { RelayProgressStore } from '../store/relay-progress-store.js';
import type { SqlClient } from '../store/sql-client.js';
import { busConfigDefaults, type BusConfig } from './bus-config.js';
import { eventStreamSpec } from './bus-streams.js';
import type { BusHealth, EventBus } from './event-bus.js';
import { EventRelay, relayDefaults } from './event-relay.js';
import { InProcessBus } from './in-process-bus.js';
import { NatsBus } from './nats-bus.js';
import type { RelayFigures } from './relay-figures.js';

/** What `/ready` shows of the bus: whether it takes messages, and how many events wait. */
export interface BusReadiness extends BusHealth {
  /** Committed sequence numbers not yet published, summed over partitions (an upper bound). */
  readonly backlog: number;
}

/** How long stopping waits for the relay to publish what is left (the rest goes at the next start). */
const stopDrainMs = 2_000;
const reconnectMs = 1_000;

/**
 * The bus and the relay as the service runs them: the relay subscribes before the croupier
 * takes its first command, starts once the store is migrated, and is stopped before the store
 * closes. The bus is NATS JetStream when NATS_URL is set, the in-process bus otherwise; NATS down
 * never stops the service (the relay waits and catches up).
 */
export class EventPublishing {
  readonly relay: EventRelay;

  private constructor(
    readonly bus: EventBus,
    retentionMs: number,
  ) {
    this.relay = new EventRelay(bus, { ...relayDefaults, retentionMs });
  }

  static open(config: BusConfig = busConfigDefaults): EventPublishing {
    const bus: EventBus =
      config.natsUrl === undefined
        ? new InProcessBus()
        : NatsBus.start({ url: config.natsUrl, streams: [eventStreamSpec(config.stream)], publishTimeoutMs: config.publishTimeoutMs, reconnectMs });
    return new EventPublishing(bus, config.outboxRetentionMs);
  }

  start(croupier: Croupier, sql: SqlClient): Promise<void> {
    return this.relay.start(croupier.events, new RelayProgressStore(sql), croupier.settings.partitionCount);
  }

  readiness(): BusReadiness {
    const backlog = this.relay.figures().partitions.reduce((sum, partition) => sum + Number(partition.backlog), 0);
    return { ...this.bus.health(), backlog };
  }

  /** Lag figures for the metrics issue. */
  figures(): RelayFigures {
    return this.relay.figures();
  }

  async stop(): Promise<void> {
    await this.relay.stop(stopDrainMs);
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
