import { parseCommand, type Command, type CommandInput } from '../core/commands.js';
import { refused, type Outcome } from '../core/outcome.js';
import { partitionOf } from '../core/partitioning.js';
import type { LedgerStore } from '../store/ledger-store.js';
import { CommitObserver } from './commit-observer.js';
import type { CommitSubscriber, Subscription } from './committed-batch.js';
import { parseAuditStamp, type AuditStamp } from './audit-stamp.js';
import { checkSettings, type EngineSettings } from './limits.js';
import { PartitionWriter, type WriterHooks } from './partition-writer.js';

export interface EngineHooks extends WriterHooks {
  /** Subscribed before the first command, so they see every batch. */
  readonly subscribers?: readonly CommitSubscriber[];
}

/**
 * Routes each command to the writer of its player's partition. Partitions touch disjoint
 * players, so their batches commit in parallel without locking each other.
 */
export class Engine {
  private accepting = true;

  private constructor(
    private readonly writers: readonly PartitionWriter[],
    private readonly settings: EngineSettings,
    private readonly observer: CommitObserver,
  ) {}

  static async start(store: LedgerStore, settings: EngineSettings, nodeId: string, hooks: EngineHooks): Promise<Engine> {
    checkSettings(settings);
    await store.checkPartitionCount(settings.partitionCount);
    const observer = new CommitObserver();
    for (const subscriber of hooks.subscribers ?? []) observer.subscribe(subscriber);
    const partitions = Array.from({ length: settings.partitionCount }, (_, index) => index);
    const leases = await store.acquirePartitions(partitions, nodeId);
    const writers = leases.map((lease) => new PartitionWriter(lease, store, settings, hooks, observer));
    return new Engine(writers, settings, observer);
  }

  /**
   * Validates loose input, then executes it. Invalid input is refused before it reaches a
   * partition. An `audit` field (an operator call's stamp) is written with the change it makes.
   */
  execute(input: CommandInput): Promise<Outcome> {
    const command = parseCommand(input);
    if (!command.ok) return Promise.resolve(refused(command.code, command.message));
    const audit = parseAuditStamp(input.audit);
    if (!audit.ok) return Promise.resolve(refused(audit.code, audit.message));
    return this.submit(command.value, audit.value);
  }

  submit(command: Command, audit: AuditStamp | null = null): Promise<Outcome> {
    if (!this.accepting) return Promise.resolve(refused('UNAVAILABLE', 'Croupier is shutting down'));
    const writer = this.writers[partitionOf(command.playerId, this.settings.partitionCount)];
    if (writer === undefined) throw new Error('invariant violated: every partition has a writer');
    return writer.submit(command, audit);
  }

  /** Committed batches, in sequence order per partition, from now on (docs/architecture.md §7). */
  subscribe(subscriber: CommitSubscriber): Subscription {
    return this.observer.subscribe(subscriber);
  }

  /** Ready while accepting commands and no partition has been fenced off by another node. */
  get ready(): boolean {
    return this.accepting && this.writers.every((writer) => !writer.isFenced);
  }

  /** Graceful shutdown: refuse new commands, finish and answer every queued one. */
  async drain(): Promise<void> {
    this.accepting = false;
    await Promise.all(this.writers.map((writer) => writer.drain()));
  }
}
