import { jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { moveAnswer } from '../api/provider/provider-calls.js';
import type { Provider } from '../api/provider/provider-registry.js';
import type { Outcome } from '../core/outcome.js';
import type { CommandInput } from '../core/commands.js';
import { readCommand, type PoisonReason, type ReadCommand } from './envelope.js';
import { assertStreamSettings, streamNames, type StreamNames, type StreamSettings } from './stream-settings.js';
import { ensureTopology } from './stream-topology.js';

export interface BetStreamOptions {
  readonly url: string;
  readonly settings: StreamSettings;
  /** The engine: each command goes through `execute`, which resolves once its batch committed. */
  readonly croupier: { execute(input: CommandInput): Promise<Outcome>; readonly settings: { readonly partitionCount: number } };
  readonly findProvider: (providerId: string) => Provider | undefined;
  readonly log: StreamLog;
}

export interface StreamLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface BetStreamStatus {
  readonly connected: boolean;
  readonly problem: string | null;
}

type Accepted = Extract<ReadCommand, { ok: true }>;

/**
 * Bet-stream ingestion (docs/stream.md): one durable pull consumer per partition fetches bounded
 * batches of signed commands, applies each through the engine, publishes its outcome and only
 * then acks it. Poison goes to the dead letters (and is acked); UNAVAILABLE is retried later.
 * Start-up never waits for NATS: the stream connects in the background and retries for ever.
 */
export class BetStream {
  private connection: NatsConnection | null = null;
  private client: JetStreamClient | null = null;
  private problem: string | null = 'connecting';
  private stopping = false;
  private readonly fetches = new Set<ConsumerMessages>();
  private readonly names: StreamNames;
  private running: Promise<void> = Promise.resolve();

  private constructor(private readonly options: BetStreamOptions) {
    this.names = streamNames(options.settings.subjectPrefix);
  }

  static start(options: BetStreamOptions): BetStream {
    assertStreamSettings(options.settings);
    const stream = new BetStream(options);
    stream.running = stream.run();
    return stream;
  }

  status(): BetStreamStatus {
    return { connected: this.problem === null, problem: this.problem };
  }

  /**
   * Commands not yet acked, per partition: waiting in the stream plus delivered and in hand
   * (the consumer pending count of the lag figures). Null while not connected.
   */
  async pending(): Promise<number[] | null> {
    if (this.connection === null || this.problem !== null) return null;
    const manager = await jetstreamManager(this.connection);
    const partitions = Array.from({ length: this.options.croupier.settings.partitionCount }, (_, partition) => partition);
    const infos = await Promise.all(partitions.map((partition) => manager.consumers.info(this.names.commandsStream, this.names.consumer(partition))));
    return infos.map((info) => info.num_pending + info.num_ack_pending);
  }

  /** Stops fetching, lets every command in hand finish (outcome published, acked), then closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const fetch of this.fetches) await fetch.close().catch(() => undefined);
    await this.running;
    await this.connection?.drain().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const connection = await this.connect();
    if (connection === null) return;
    const partitions = Array.from({ length: this.options.croupier.settings.partitionCount }, (_, partition) => partition);
    await Promise.all(partitions.map((partition) => this.consumePartition(connection, partition)));
  }

  private async connect(): Promise<NatsConnection | null> {
    const { url, settings } = this.options;
    while (!this.stopping) {
      try {
        const connection = await connect({ servers: url, name: 'croupier-bet-stream', maxReconnectAttempts: -1, reconnectTimeWait: settings.reconnectMs });
        this.connection = connection;
        this.client = jetstream(connection);
        await ensureTopology(await jetstreamManager(connection), settings, this.options.croupier.settings.partitionCount);
        this.problem = null;
        void this.watch(connection);
        return connection;
      } catch (error) {
        this.problem = `NATS: ${String(error)}`;
        this.options.log.warn({ err: error, url }, 'bet stream: NATS not reachable; retrying');
        await this.connection?.close().catch(() => undefined);
        this.connection = null;
        await sleep(settings.reconnectMs);
      }
    }
    return null;
  }

  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') this.problem = 'disconnected from NATS';
      if (status.type === 'reconnect') this.problem = null;
    }
  }

  /** One partition's loop: a bounded fetch, each command handled as it arrives, the next fetch once all are answered. */
  private async consumePartition(connection: NatsConnection, partition: number): Promise<void> {
    const { settings, log } = this.options;
    let consumer: Consumer | null = null;
    while (!this.stopping) {
      try {
        consumer ??= await jetstream(connection).consumers.get(this.names.commandsStream, this.names.consumer(partition));
        const messages = await consumer.fetch({ max_messages: settings.fetchBatchMax, expires: settings.fetchExpiresMs });
        this.fetches.add(messages);
        const handled: Promise<void>[] = [];
        try {
          for await (const message of messages) handled.push(this.handle(partition, message));
        } finally {
          this.fetches.delete(messages);
          await Promise.all(handled);
        }
      } catch (error) {
        if (this.stopping) return;
        consumer = null;
        log.warn({ err: error, partition }, 'bet stream: fetch failed; retrying');
        await sleep(settings.reconnectMs);
        // A stream or consumer deleted meanwhile is made again (never while stopping).
        if (!this.stopping) await ensureTopology(await jetstreamManager(connection), settings, this.options.croupier.settings.partitionCount).catch(() => undefined);
      }
    }
  }

  /** Never throws: what cannot be finished now is nak'd and comes back. */
  private async handle(partition: number, message: JsMsg): Promise<void> {
    try {
      const read = readCommand(message.data, {
        partition,
        partitionCount: this.options.croupier.settings.partitionCount,
        storedAtSeconds: Math.floor(message.info.timestampNanos / 1e9),
        findProvider: this.options.findProvider,
      });
      if (!read.ok) return await this.deadLetter(message, read.reason, read.detail);
      const outcome = await this.options.croupier.execute(read.command);
      if (!outcome.ok && outcome.code === 'UNAVAILABLE') return await this.retryLater(message, outcome.message);
      await this.publishOutcome(read, outcome);
      message.ack();
    } catch (error) {
      this.options.log.error({ err: error, partition, sequence: message.seq }, 'bet stream: command not finished; it will be delivered again');
      message.nak(this.retryDelayMs(message.info.deliveryCount));
    }
  }

  private async retryLater(message: JsMsg, why: string): Promise<void> {
    if (message.info.deliveryCount >= this.options.settings.deliverMax) return this.deadLetter(message, 'undeliverable', `UNAVAILABLE on each of ${message.info.deliveryCount} deliveries: ${why}`);
    message.nak(this.retryDelayMs(message.info.deliveryCount));
  }

  /** Doubling from the minimum, capped: a store that is down is not hammered by every partition. */
  private retryDelayMs(deliveryCount: number): number {
    const { retryDelayMsMin, retryDelayMsMax } = this.options.settings;
    return Math.min(retryDelayMsMax, retryDelayMsMin * 2 ** Math.min(30, Math.max(0, deliveryCount - 1)));
  }

  /** The outcome the HTTP API would answer, under a message id of the command: a redelivery's copy is dropped. */
  private async publishOutcome(read: Accepted, outcome: Outcome): Promise<void> {
    const answer = moveAnswer(read.transactionId, outcome);
    const fields = headers();
    fields.set('Croupier-Transaction-Id', read.transactionId);
    fields.set('Croupier-Kind', read.kind);
    fields.set('Croupier-Player-Id', read.playerId);
    fields.set('Croupier-Status', String(answer.status));
    await this.jetstream().publish(this.names.outcomeSubject(read.providerId), JSON.stringify(answer.body), { msgID: outcomeMessageId(read.providerId, read.transactionId), headers: fields });
  }

  /** The poison's reason and its original bytes, under a message id of its stream sequence; then it is acked. */
  private async deadLetter(message: JsMsg, reason: PoisonReason, detail: string): Promise<void> {
    const text = decodedOrNull(message.data);
    const letter = {
      reason,
      detail,
      subject: message.subject,
      stream_sequence: message.seq,
      delivery_count: message.info.deliveryCount,
      stored_at: new Date(Math.floor(message.info.timestampNanos / 1e6)).toISOString(),
      ...(text === null ? { data_base64: Buffer.from(message.data).toString('base64') } : { data: text }),
    };
    const fields = headers();
    fields.set('Croupier-Reason', reason);
    await this.jetstream().publish(this.names.deadLetterSubject(reason), JSON.stringify(letter), { msgID: `${this.names.commandsStream}:${message.seq}`, headers: fields });
    message.ack();
  }

  private jetstream(): JetStreamClient {
    if (this.client === null) throw new Error('invariant violated: a command is handled only once connected');
    return this.client;
  }
}

/** Mirrors the command's own Nats-Msg-Id (the client sets provider + transaction id). */
export function outcomeMessageId(providerId: string, transactionId: string): string {
  return `${providerId}:${transactionId}`;
}

function decodedOrNull(data: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
