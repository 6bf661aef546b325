import { nextTick } from 'node:process';
import type { Command } from '../core/commands.js';
import { roundKey, transactionKey } from '../core/player.js';
import { refused, type Outcome } from '../core/outcome.js';
import type { MachineContext } from '../core/wallet/context.js';
import type { PartitionLease, WalletWrite } from '../store/batch.js';
import { FencedError, isTransactionIdConflict, type LedgerStore, type RoundLookup, type TransactionLookup } from '../store/ledger-store.js';
import { emptyCatalogue, type Catalogue } from '../core/bonus/campaign.js';
import type { AuditStamp } from './audit-stamp.js';
import { applyBatch, auditRows, storedParts, type AppliedBatch, type BatchCommand } from './batch-application.js';
import type { CommitObserver } from './commit-observer.js';
import type { PlayerBalance } from './committed-batch.js';
import type { EngineSettings } from './limits.js';
import { PartitionCache } from './partition-cache.js';

/** Transaction ids to read from the store before applying a batch (keys of `transactionKey`). */
type LookUp = ReadonlySet<string> | 'all';

interface Pending extends BatchCommand {
  readonly resolve: (outcome: Outcome) => void;
}

export interface WriterHooks {
  readonly now: () => Date;
  /** Campaigns and games; without one, no campaign exists and every game is unknown. */
  readonly catalogue?: Catalogue;
}

type WriterState = 'running' | 'draining' | 'stopped' | 'fenced';

/**
 * The single writer of one partition. Commands queue up; the writer takes them in order, in
 * batches, applies each to in-memory state with the pure wallet machine, commits the batch
 * in one statement and only then answers every command of it.
 */
export class PartitionWriter {
  private readonly queue: Pending[] = [];
  private readonly cache: PartitionCache;
  private state: WriterState = 'running';
  private nextLedgerSeq: bigint;
  /** Set when a commit's outcome is unknown (the reply was lost): the store may be ahead of us. */
  private resynchronise = false;
  private wake: (() => void) | null = null;
  private readonly finished: Promise<void>;

  constructor(
    private readonly lease: PartitionLease,
    private readonly store: LedgerStore,
    private readonly settings: EngineSettings,
    private readonly hooks: WriterHooks,
    private readonly observer: CommitObserver,
  ) {
    this.cache = new PartitionCache(settings);
    this.nextLedgerSeq = lease.nextLedgerSeq;
    this.finished = this.run();
  }

  get partition(): number {
    return this.lease.partition;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  get isFenced(): boolean {
    return this.state === 'fenced';
  }

  submit(command: Command, audit: AuditStamp | null = null): Promise<Outcome> {
    if (this.state !== 'running') return Promise.resolve(refused('UNAVAILABLE', `partition ${this.partition} is not accepting commands`));
    if (this.queue.length >= this.settings.queueLengthMax) {
      return Promise.resolve(refused('UNAVAILABLE', `partition ${this.partition} is overloaded; retry later`));
    }
    return new Promise((resolve) => {
      this.queue.push({ command, audit, resolve });
      if (this.queue.length === 1 || this.queue.length >= this.settings.batchSizeMax) this.signal();
    });
  }

  /** Stops taking commands, answers every queued one, then resolves. */
  async drain(): Promise<void> {
    if (this.state === 'running') this.state = 'draining';
    this.signal();
    await this.finished;
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    let wokeFromIdle = false;
    // A committed batch whose callers are not answered yet (see below); never more than one.
    let unanswered: Answer = noAnswer;
    for (;;) {
      if (this.queue.length === 0) {
        if (this.state !== 'running') break;
        await new Promise<void>((resolve) => (this.wake = resolve));
        wokeFromIdle = true;
        continue;
      }
      // Commands that queued while the previous batch committed go at once: that commit was
      // their gathering window. Only a writer woken from idle waits for company.
      if (wokeFromIdle && this.queue.length < this.settings.batchSizeMax && this.settings.batchDelayMs > 0 && this.state === 'running') {
        await this.gather();
      }
      wokeFromIdle = false;
      const batch = this.queue.splice(0, this.settings.batchSizeMax);
      const processing = this.process(batch);
      // The previous batch is committed; its answers go out once this batch's commit is on its
      // way, so that the store works on this batch while this process writes the previous one's
      // responses. With an idle connection and nothing to load first, the pool writes the
      // statement in a tick queued while this batch was applied; callers resolved in a tick
      // queued now continue (and respond) only after every queued tick has run
      // (test/engine/writer-pipelining.test.ts). Otherwise they are answered meanwhile, no later.
      // An in-process store (PGlite) is answered before the next batch starts: it would run that
      // whole commit first.
      if (unanswered !== noAnswer) nextTick(unanswered);
      unanswered = await processing;
      if (this.queue.length === 0 || this.store.inProcess) {
        unanswered();
        unanswered = noAnswer;
      }
      // An in-process store (PGlite) can answer without ever yielding; give callers a turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
    unanswered();
    if (this.state === 'draining') this.state = 'stopped';
  }

  /** Waits up to batchDelayMs for the batch to fill, so that a commit carries more commands. */
  private async gather(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, this.settings.batchDelayMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Applies and commits the batch; resolves, once committed or refused, with the batch's answers to give. */
  private async process(batch: readonly Pending[]): Promise<Answer> {
    if (this.state === 'fenced') return answerAll(batch, refused('UNAVAILABLE', `partition ${this.partition} moved to another node`));
    const touched = new Set(batch.map((pending) => pending.command.playerId));
    try {
      if (this.resynchronise) await this.readLease();
      const outcomes = await this.applyAndCommit(batch, touched);
      return () => batch.forEach((pending, index) => pending.resolve(outcomes[index] as Outcome));
    } catch (error) {
      this.cache.forget(touched);
      this.resynchronise = true;
      if (error instanceof FencedError) this.state = 'fenced';
      this.observer.failed({ partition: this.partition, commandCount: batch.length, error });
      return answerAll(batch, refused('UNAVAILABLE', 'the ledger store did not confirm this operation; retry with the same transaction id'));
    } finally {
      this.cache.endBatch(touched);
    }
  }

  /**
   * After a commit of unknown outcome the batch may have landed: its players were dropped from
   * the cache (they reload from the store) and the ledger sequence is read back, so that no
   * ledger id is used twice. A moved epoch means another node owns the partition now.
   */
  private async readLease(): Promise<void> {
    const stored = await this.store.readPartition(this.partition);
    if (stored.epoch !== this.lease.epoch) throw new FencedError(this.partition);
    this.nextLedgerSeq = stored.nextLedgerSeq;
    this.resynchronise = false;
  }

  /**
   * The cache answers most id lookups; when it cannot vouch for an id, the batch is applied
   * again with that id read from the store first:
   * - a refusal for an id the cache does not know could hide a replay (which must be answered
   *   as a duplicate, not refused);
   * - an id accepted as new may be taken in the store (an old replay, or the same id sent for
   *   another player): the commit then fails on the unique constraint and every id is read.
   * A command whose application throws (a bug) is set aside: the batch is applied again without
   * it, and it alone is refused INTERNAL_ERROR. The sets of ids read and of commands set aside
   * only grow, so this ends within twice the batch size.
   */
  private async applyAndCommit(batch: readonly Pending[], touched: ReadonlySet<string>): Promise<Outcome[]> {
    let lookUp = new Set<string>() as LookUp;
    const setAside = new Map<number, Outcome | null>();
    for (;;) {
      try {
        const attempted = await this.attempt(batch, lookUp, setAside);
        if (Array.isArray(attempted)) return attempted;
        if (attempted.kind === 'faulted') {
          setAside.set(attempted.index, attempted.refusal);
          if (attempted.refusal === null) this.reportFault(batch, attempted.index, attempted.error);
        } else {
          if (lookUp === 'all') throw new Error('invariant violated: a refusal is uncertain after every id was read');
          lookUp = new Set([...lookUp, ...attempted.ids]);
        }
      } catch (error) {
        if (!isTransactionIdConflict(error) || lookUp === 'all') throw error;
        lookUp = 'all';
      }
      // What the failed attempt changed in memory is dropped: its players reload from the store.
      this.cache.forget(touched);
    }
  }

  private reportFault(batch: readonly Pending[], index: number, error: unknown): void {
    const command = batch[index]?.command;
    if (command === undefined) throw new Error('invariant violated: a faulted command is in its batch');
    this.observer.faulted({ partition: this.partition, playerId: command.playerId, commandKind: command.kind, error });
  }

  /**
   * Applies and commits the batch, returning each command's outcome; or, when a refusal rests on
   * an unverified id or a command threw, says so without committing.
   */
  private async attempt(batch: readonly Pending[], lookUp: LookUp, setAside: ReadonlyMap<number, Outcome | null>): Promise<Outcome[] | Exclude<ReturnType<typeof applyBatch>, AppliedBatch>> {
    // Awaited only when something must be loaded first.
    const loading = this.prefetch(batch, lookUp);
    if (loading !== null) await loading;
    const now = this.hooks.now();
    const firstSequence = this.nextLedgerSeq;
    const applied = applyBatch(this.cache, batch, this.machineContext(now.getTime()), firstSequence, setAside);
    if (applied.kind !== 'applied') return applied;
    const { outcomes, events, changed, bonuses, nextSequence } = applied;
    const wallets = [...changed].map((playerId) => this.walletWrite(playerId));
    const newBonuses = [...bonuses].filter((grant) => !this.cache.isStored(grant));
    const changedBonuses = [...bonuses].filter((grant) => this.cache.rowOutdated(grant));
    const started = performance.now();
    await this.store.commit({
      lease: this.lease,
      nextLedgerSeq: nextSequence,
      wallets,
      ...storedParts(this.partition, events),
      newBonuses,
      changedBonuses,
      audits: auditRows(batch, outcomes),
      committedAt: now,
    });
    const commitMs = performance.now() - started;
    this.nextLedgerSeq = nextSequence;
    for (const playerId of changed) this.cache.committed(playerId);
    // The other changed grants moved only their wagering: their rows still say what they are.
    this.cache.grantsStored([...newBonuses, ...changedBonuses]);
    for (const { command } of batch) this.cache.touch(command.playerId);
    if (this.observer.wantsCommitted) {
      const balances = wallets.map(balanceOf);
      this.observer.committed({ partition: this.partition, firstSequence, nextSequence, events, balances, commandCount: batch.length, commitMs, committedAt: now });
    }
    return outcomes;
  }

  private machineContext(now: number): MachineContext {
    return { now, fundsOrder: this.settings.fundsOrder, catalogue: this.hooks.catalogue ?? emptyCatalogue, moneyLimits: this.settings.moneyLimits };
  }

  private walletWrite(playerId: string): WalletWrite {
    const { wallet, bonusOptIns } = this.cache.player(playerId) ?? unreachable(playerId);
    return {
      playerId,
      bonusOptIns,
      currency: wallet.currency.code,
      status: wallet.status,
      cash: wallet.cash,
      bonus: wallet.bonus,
      versionRead: this.cache.versionRead(playerId),
    };
  }

  /**
   * Loads, in at most two statements, whatever the batch needs that the cache cannot vouch for;
   * null when the cache has it all.
   */
  private prefetch(batch: readonly Pending[], lookUp: LookUp): Promise<void> | null {
    const missing = [...new Set(batch.map((pending) => pending.command.playerId))].filter((id) => this.cache.player(id) === undefined);
    if (missing.length > 0) {
      return this.store.loadWallets(missing).then((wallets) => {
        for (const wallet of wallets) this.cache.loadWallet(wallet);
        return this.loadHistory(batch, lookUp) ?? undefined;
      });
    }
    return this.loadHistory(batch, lookUp);
  }

  /** Loads the rounds and transaction ids the batch's cached players cannot vouch for; null when none. */
  private loadHistory(batch: readonly Pending[], lookUp: LookUp): Promise<void> | null {
    const rounds = new Map<string, RoundLookup>();
    const ids = new Map<string, TransactionLookup>();
    for (const { command } of batch) {
      if ('transactionId' in command) {
        const key = transactionKey(command.source, command.transactionId);
        if (lookUp === 'all' || lookUp.has(key)) ids.set(key, { source: command.source, transactionId: command.transactionId });
      }
      if (command.kind !== 'win' && command.kind !== 'rollback') continue;
      const player = this.cache.player(command.playerId);
      if (player === undefined) continue;
      const round = player.rounds.get(roundKey(command.source, command.roundId));
      if (round === undefined ? !player.historyComplete : !round.complete) {
        rounds.set(`${command.playerId}\u0000${roundKey(command.source, command.roundId)}`, command);
      }
      if (command.kind === 'rollback' && !player.transactions.has(transactionKey(command.source, command.referenceTransactionId))) {
        ids.set(transactionKey(command.source, command.referenceTransactionId), { source: command.source, transactionId: command.referenceTransactionId });
      }
    }
    if (rounds.size === 0 && ids.size === 0) return null;
    return this.store.loadTransactions([...rounds.values()], [...ids.values()]).then((transactions) => {
      this.cache.loadTransactions([...rounds.values()], [...ids.keys()], transactions);
    });
  }
}

/** A copy for subscribers: the writer's own rows change with later batches. */
function balanceOf(wallet: WalletWrite): PlayerBalance {
  return { playerId: wallet.playerId, currency: wallet.currency, status: wallet.status, cash: wallet.cash, bonus: wallet.bonus };
}

/** Resolves a batch's callers; the writer decides when. */
type Answer = () => void;

const noAnswer: Answer = () => undefined;

function answerAll(batch: readonly Pending[], outcome: Outcome): Answer {
  return () => {
    for (const pending of batch) pending.resolve(outcome);
  };
}

function unreachable(playerId: string): never {
  throw new Error(`invariant violated: changed player ${playerId} is cached`);
}

