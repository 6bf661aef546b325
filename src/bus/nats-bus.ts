import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { StreamSpec } from './bus-streams.js';
import { BusUnavailableError, type BusHealth, type BusMessage, type BusSubscription, type EventBus, type PublishAck } from './event-bus.js';

export interface NatsBusOptions {
  readonly url: string;
  readonly streams: readonly StreamSpec[];
  /** How long a publish waits for JetStream's ack before the relay treats the bus as down. */
  readonly publishTimeoutMs: number;
  /** Pause between connection attempts while the server is unreachable. */
  readonly reconnectMs: number;
  readonly name?: string;
}

const nanosPerMs = 1_000_000;

/**
 * The NATS JetStream adapter. It never makes start-up wait for the server: it connects in the
 * background, retries for ever, and (re)creates its streams on every (re)connection, so a NATS
 * restarted with an empty store gets them back. While it is down, publish rejects at once with
 * BusUnavailableError and the caller keeps its messages.
 */
export class NatsBus implements EventBus {
  readonly kind = 'nats';
  private connection: NatsConnection | null = null;
  private client: JetStreamClient | null = null;
  private streamsReady = false;
  private problem: string | null = 'connecting';
  private stopped = false;
  private readonly handlers = new Map<{ readonly pattern: string; readonly handler: (message: BusMessage) => void }, Subscription | null>();

  private constructor(private readonly options: NatsBusOptions) {}

  static start(options: NatsBusOptions): NatsBus {
    if (!(options.publishTimeoutMs > 0) || !(options.reconnectMs > 0)) throw new Error('invariant violated: NATS timeouts are positive');
    const bus = new NatsBus(options);
    void bus.connectLoop();
    return bus;
  }

  async publish(message: BusMessage): Promise<PublishAck> {
    const client = this.client;
    if (client === null || !this.streamsReady || this.problem !== null) throw new BusUnavailableError(this.problem ?? 'connecting');
    try {
      const ack = await client.publish(message.subject, message.data, { msgID: message.id, timeout: this.options.publishTimeoutMs });
      return { duplicate: ack.duplicate };
    } catch (error) {
      throw new BusUnavailableError(error instanceof Error ? error.message : String(error));
    }
  }

  subscribe(pattern: string, handler: (message: BusMessage) => void): BusSubscription {
    const entry = { pattern, handler };
    this.handlers.set(entry, this.connection === null ? null : this.attach(this.connection, entry));
    return {
      unsubscribe: () => {
        this.handlers.get(entry)?.unsubscribe();
        this.handlers.delete(entry);
      },
    };
  }

  health(): BusHealth {
    const connected = this.connection !== null && this.streamsReady && this.problem === null;
    return { kind: 'nats', connected, problem: connected ? null : (this.problem ?? 'connecting') };
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.connection?.close().catch(() => undefined);
  }

  private async connectLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const connection = await connect({ servers: this.options.url, name: this.options.name ?? 'croupier', maxReconnectAttempts: -1, reconnectTimeWait: this.options.reconnectMs });
        if (this.stopped) {
          await connection.close();
          return;
        }
        this.connection = connection;
        this.client = jetstream(connection);
        for (const [entry] of this.handlers) this.handlers.set(entry, this.attach(connection, entry));
        await this.ensureStreams(connection);
        void this.watch(connection);
        return;
      } catch (error) {
        this.problem = error instanceof Error ? error.message : String(error);
        await sleep(this.options.reconnectMs);
      }
    }
  }

  /** Follows the connection's status: down on a disconnect, streams re-ensured on each reconnect. */
  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') this.problem = 'disconnected from NATS';
      if (status.type === 'reconnect') await this.ensureStreams(connection);
    }
  }

  private async ensureStreams(connection: NatsConnection): Promise<void> {
    for (;;) {
      try {
        const manager = await jetstreamManager(connection);
        for (const spec of this.options.streams) await createOrUpdate(manager.streams, spec);
        this.streamsReady = true;
        this.problem = null;
        return;
      } catch (error) {
        this.problem = `JetStream streams not ready: ${error instanceof Error ? error.message : String(error)}`;
        if (this.stopped || connection.isClosed()) return;
        await sleep(this.options.reconnectMs);
      }
    }
  }

  private attach(connection: NatsConnection, entry: { readonly pattern: string; readonly handler: (message: BusMessage) => void }): Subscription {
    return connection.subscribe(entry.pattern, {
      callback: (error, message) => {
        if (error !== null) return;
        entry.handler({ subject: message.subject, id: message.headers?.get('Nats-Msg-Id') ?? '', data: message.data });
      },
    });
  }
}

type StreamApi = Awaited<ReturnType<typeof jetstreamManager>>['streams'];

/** Idempotent: creates the stream, or updates its subjects and limits to the spec. */
async function createOrUpdate(streams: StreamApi, spec: StreamSpec): Promise<void> {
  const config = {
    subjects: [...spec.subjects],
    max_age: spec.maxAgeMs * nanosPerMs,
    max_bytes: spec.maxBytes,
    duplicate_window: spec.duplicateWindowMs * nanosPerMs,
  };
  const exists = await streams.info(spec.name).then(
    () => true,
    () => false,
  );
  if (exists) await streams.update(spec.name, config);
  else await streams.add({ name: spec.name, ...config });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
