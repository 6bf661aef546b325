import { DeliverPolicy, jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ProviderMove, ProviderRollback } from '../api/schemas.js';
import { partitionOf } from '../core/partitioning.js';
import { sealEnvelope, type StreamCommandBody } from '../stream/envelope.js';
import { streamNames, type StreamNames } from '../stream/stream-settings.js';

/**
 * What a game server needs to send bets, wins and rollbacks over the bet stream and read their
 * outcomes (docs/stream.md). It signs each command with the provider's secret, publishes it to
 * its player's partition, and names the message provider + transaction id, so that JetStream
 * drops a re-publish within its duplicate window (and the ledger answers a later one as a replay).
 */
export interface GameServerClientOptions {
  readonly connection: NatsConnection;
  readonly providerId: string;
  /** The provider's current secret (either one while a rotation overlaps). */
  readonly secret: string;
  /** Croupier's partition count (CROUPIER_PARTITIONS): a command goes to its player's partition. */
  readonly partitionCount: number;
  /** CROUPIER_STREAM_PREFIX; `croupier` by default. */
  readonly subjectPrefix?: string;
  readonly nowSeconds?: () => number;
}

export interface Published {
  /** The command's sequence in the commands stream. */
  readonly sequence: number;
  /** True when JetStream had the same message id already: this copy was dropped. */
  readonly duplicate: boolean;
}

export interface StreamOutcome {
  readonly transactionId: string;
  readonly kind: string;
  readonly playerId: string;
  /** The HTTP status the provider API would have answered. */
  readonly status: number;
  /** The body the provider API would have answered: a success body or `{error: {code, message}}`. */
  readonly body: unknown;
  /** The outcome's Nats-Msg-Id: provider id + ":" + transaction id. */
  readonly messageId: string;
  readonly sequence: number;
}

export class GameServerClient {
  private readonly client: JetStreamClient;
  private readonly names: StreamNames;
  private readonly nowSeconds: () => number;

  constructor(private readonly options: GameServerClientOptions) {
    this.client = jetstream(options.connection);
    this.names = streamNames(options.subjectPrefix ?? 'croupier');
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  publishBet(body: ProviderMove): Promise<Published> {
    return this.publish({ kind: 'bet', ...body });
  }

  publishWin(body: ProviderMove): Promise<Published> {
    return this.publish({ kind: 'win', ...body });
  }

  publishRollback(body: ProviderRollback): Promise<Published> {
    return this.publish({ kind: 'rollback', ...body });
  }

  /** The subject a player's commands go to. */
  subjectOf(playerId: string): string {
    return this.names.commandSubject(partitionOf(playerId, this.options.partitionCount));
  }

  /**
   * This provider's outcomes, oldest kept first (or only those published from now on), through an
   * ordered consumer: an outcome may appear twice past the duplicate window, so a reader dedupes
   * by `messageId` (or transaction id).
   */
  async *outcomes(from: 'all' | 'new' = 'all'): AsyncGenerator<StreamOutcome> {
    const consumer = await this.client.consumers.get(this.names.outcomesStream, {
      filter_subjects: this.names.outcomeSubject(this.options.providerId),
      deliver_policy: from === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    try {
      for await (const message of messages) {
        const header = (name: string): string => message.headers?.get(name) ?? '';
        yield {
          transactionId: header('Croupier-Transaction-Id'),
          kind: header('Croupier-Kind'),
          playerId: header('Croupier-Player-Id'),
          status: Number(header('Croupier-Status')),
          body: message.json<unknown>(),
          messageId: header('Nats-Msg-Id'),
          sequence: message.seq,
        };
      }
    } finally {
      await messages.close();
    }
  }

  private async publish(body: StreamCommandBody): Promise<Published> {
    const envelope = sealEnvelope(this.options.providerId, this.options.secret, this.nowSeconds(), body);
    const ack = await this.client.publish(this.subjectOf(body.player_id), envelope, { msgID: `${this.options.providerId}:${body.transaction_id}` });
    return { sequence: ack.seq, duplicate: ack.duplicate };
  }
}
