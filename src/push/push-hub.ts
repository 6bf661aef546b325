import type { WebSocket } from 'ws';
import { partitionOf } from '../core/partitioning.js';
import type { CommitSubscriber, CommittedBatch, SequencedEvent, Subscription } from '../engine/committed-batch.js';
import type { EventLog } from '../ports/event-log.js';
import { closeCodes, PlayerConnection } from './player-connection.js';
import { checkPushLimits, type PushLimits } from './push-limits.js';
import { eventFrame, helloMessage, isPushed, liveMessage, type PushFrame } from './push-message.js';
import type { PlayerClaims } from './player-tokens.js';
import type { RemoteFeed } from './bus-feed.js';
import type { BusSubscription } from '../bus/event-bus.js';

/** Where committed batches come from: the croupier (`Croupier.subscribe`). */
export interface CommitSource {
  subscribe(subscriber: CommitSubscriber): Subscription;
}

export interface PushHubOptions {
  readonly source: CommitSource;
  readonly events: EventLog;
  readonly partitionCount: number;
  readonly limits: PushLimits;
  /** Events committed on other nodes (the bus: src/push/bus-feed.ts); without it, this node's commits only. */
  readonly remote?: RemoteFeed | undefined;
  readonly nowMs?: () => number;
}

/** Why a socket is not admitted. */
export type Admission = 'admitted' | 'node_full' | 'player_full';

/** The hub's figures, for /metrics and tests. */
export interface PushFigures {
  readonly sockets: number;
  readonly players: number;
  /** Sockets cut off because their client read too slowly (send buffer past its limit). */
  readonly cutOff: number;
  /** Times a partition's committed batches jumped past the last one seen: the sockets caught up from the store. */
  readonly gaps: number;
}

/** Events the hub's subscription may hold while it works; past it the observer drops and the hub reads back. */
const subscriberBufferedEventsMax = 65_536;

/**
 * Fans committed events out to players' sockets on this node. It subscribes to committed batches
 * only while a socket is open (no cost otherwise), routes each event to its player's sockets
 * (nothing of another player reaches a socket), notices a jump in a partition's sequence (a
 * dropped notification) and has that partition's sockets read what they missed from the store.
 * One shared timer pings every socket: an idle socket holds no timer of its own.
 */
export class PushHub {
  private readonly players = new Map<string, Set<PlayerConnection>>();
  private readonly nextSequences = new Map<number, bigint>();
  private subscription: Subscription | null = null;
  private remoteSubscription: BusSubscription | null = null;
  /** Open sockets per partition: the remote feed parses only messages of partitions with one. */
  private readonly socketsByPartition = new Map<number, number>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private socketCount = 0;
  private cutOffCount = 0;
  private gapCount = 0;
  private readonly nowMs: () => number;

  constructor(private readonly options: PushHubOptions) {
    checkPushLimits(options.limits);
    this.nowMs = options.nowMs ?? Date.now;
  }

  get limits(): PushLimits {
    return this.options.limits;
  }

  partitionOf(playerId: string): number {
    return partitionOf(playerId, this.options.partitionCount);
  }

  /** Whether one more socket of this player fits; asked before the upgrade, and again once open. */
  admits(playerId: string): Admission {
    if (this.socketCount >= this.options.limits.socketsPerNodeMax) return 'node_full';
    if ((this.players.get(playerId)?.size ?? 0) >= this.options.limits.socketsPerPlayerMax) return 'player_full';
    return 'admitted';
  }

  /** Takes an upgraded socket: hello, then the stored events after `after` (if given), then live events. */
  open(socket: WebSocket, claims: PlayerClaims, after: bigint | null): void {
    if (this.admits(claims.playerId) !== 'admitted') {
      socket.close(closeCodes.tryAgainLater, 'too many sockets: try again later');
      return;
    }
    const partition = this.partitionOf(claims.playerId);
    const known = this.nextSequences.get(partition);
    // Without `after` the client wants events from now on: anchor it at the last batch seen.
    const anchor = after ?? (known === undefined ? null : known - 1n);
    const connection = new PlayerConnection(socket, claims.playerId, partition, claims.expiresAtMs, anchor, {
      limits: this.options.limits,
      events: this.options.events,
      gone: (gone, cutOff) => this.forget(gone, cutOff),
    });
    this.register(connection);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('close', () => connection.closedByPeer());
    socket.on('message', () => connection.close(closeCodes.policyViolation, 'this stream takes no messages'));
    connection.send(helloMessage(claims.playerId, partition, after, this.options.limits.heartbeatMs));
    // Registered before the first read: an event committed meanwhile waits, and is not lost.
    if (after !== null) void connection.catchUp();
    else connection.send(liveMessage(anchor));
  }

  /** Committed events to the sockets of their players, each rendered once whatever the number of sockets. */
  deliver(partition: number, events: readonly SequencedEvent[], time: Date): void {
    for (const sequenced of events) {
      const connections = this.players.get(sequenced.event.playerId);
      if (connections === undefined || !isPushed(sequenced.event)) continue;
      this.offer(connections, partition, eventFrame(partition, sequenced, time));
    }
  }

  /**
   * A frame that arrived another way than this node's commits (the cross-node bus: README "Live
   * push"), already rendered; it is deduplicated by sequence like every other.
   */
  deliverFrame(playerId: string, partition: number, frame: PushFrame): void {
    const connections = this.players.get(playerId);
    if (connections !== undefined) this.offer(connections, partition, frame);
  }

  private offer(connections: Set<PlayerConnection>, partition: number, frame: PushFrame): void {
    for (const connection of connections) if (connection.partition === partition) connection.offer(frame);
  }

  figures(): PushFigures {
    return { sockets: this.socketCount, players: this.players.size, cutOff: this.cutOffCount, gaps: this.gapCount };
  }

  /** Closes every socket (1001, going away) and stops listening to commits. */
  close(): void {
    for (const connections of [...this.players.values()]) {
      for (const connection of [...connections]) connection.close(closeCodes.goingAway, 'the server is shutting down: reconnect with ?after=');
    }
    this.stopListening();
  }

  private committed(batch: CommittedBatch): void {
    const expected = this.nextSequences.get(batch.partition);
    this.nextSequences.set(batch.partition, batch.nextSequence);
    if (expected !== undefined && batch.firstSequence > expected) this.missed(batch.partition, expected);
    this.deliver(batch.partition, batch.events, batch.committedAt);
  }

  /** A notification was dropped: every socket of the partition reads back from `gapStart` on. */
  private missed(partition: number, gapStart: bigint): void {
    this.gapCount += 1;
    for (const connections of this.players.values()) {
      for (const connection of connections) if (connection.partition === partition) connection.missed(gapStart);
    }
  }

  private register(connection: PlayerConnection): void {
    let connections = this.players.get(connection.playerId);
    if (connections === undefined) {
      connections = new Set();
      this.players.set(connection.playerId, connections);
    }
    connections.add(connection);
    this.socketCount += 1;
    this.socketsByPartition.set(connection.partition, (this.socketsByPartition.get(connection.partition) ?? 0) + 1);
    if (this.socketCount === 1) this.startListening();
  }

  private forget(connection: PlayerConnection, cutOff: boolean): void {
    const connections = this.players.get(connection.playerId);
    if (connections === undefined || !connections.delete(connection)) return;
    if (connections.size === 0) this.players.delete(connection.playerId);
    this.socketCount -= 1;
    const left = (this.socketsByPartition.get(connection.partition) ?? 1) - 1;
    if (left === 0) this.socketsByPartition.delete(connection.partition);
    else this.socketsByPartition.set(connection.partition, left);
    if (cutOff) this.cutOffCount += 1;
    if (this.socketCount === 0) this.stopListening();
  }

  private startListening(): void {
    this.subscription = this.options.source.subscribe({ name: 'push', bufferedEventsMax: subscriberBufferedEventsMax, committed: (batch) => this.committed(batch) });
    this.remoteSubscription =
      this.options.remote?.subscribe(
        (partition) => this.socketsByPartition.has(partition),
        (playerId, partition, frame) => this.deliverFrame(playerId, partition, frame),
      ) ?? null;
    this.sweepTimer = setInterval(() => this.sweep(), this.options.limits.heartbeatMs);
    this.sweepTimer.unref();
  }

  /** With no socket open the hub costs the writers nothing: no subscriber, no timer. */
  private stopListening(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.remoteSubscription?.unsubscribe();
    this.remoteSubscription = null;
    this.nextSequences.clear();
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  private sweep(): void {
    const nowMs = this.nowMs();
    for (const connections of [...this.players.values()]) {
      for (const connection of [...connections]) connection.sweep(nowMs);
    }
  }
}
