import type { Command } from '../core/commands.js';
import { isBonusEvent, type RefusalEvent } from '../core/events.js';
import { refused, type Outcome } from '../core/outcome.js';
import { transactionKey } from '../core/player.js';
import { apply, type Applied } from '../core/wallet-machine.js';
import type { MachineContext } from '../core/wallet/context.js';
import type { BonusGrant } from '../core/bonus/grant.js';
import type { AuditRow, LedgerEntry, NumberedRefusal, OutboxEvent } from '../store/batch.js';
import { ledgerId } from '../store/ledger-store.js';
import type { AuditStamp } from './audit-stamp.js';
import type { SequencedEvent } from './committed-batch.js';
import type { PartitionCache } from './partition-cache.js';

/** A command of a batch, with the audit stamp of the operator call that sent it (if any). */
export interface BatchCommand {
  readonly command: Command;
  readonly audit: AuditStamp | null;
}

/** A batch applied in memory, ready to commit. */
export interface AppliedBatch {
  readonly kind: 'applied';
  readonly outcomes: Outcome[];
  readonly events: SequencedEvent[];
  readonly changed: ReadonlySet<string>;
  readonly bonuses: ReadonlySet<BonusGrant>;
  /** The partition's next sequence once this batch commits. */
  readonly nextSequence: bigint;
}

/** Refusals that rest on ids the cache cannot vouch for: read them, then apply the batch again. */
export interface Uncertain {
  readonly kind: 'uncertain';
  readonly ids: ReadonlySet<string>;
}

/**
 * A command that cannot be part of the batch: its application threw (a bug: `refusal` is null and
 * it is answered INTERNAL_ERROR), or it would write a transaction id an earlier command of the
 * same batch writes too (answered with `refusal`). The batch is applied again without it.
 */
export interface Faulted {
  readonly kind: 'faulted';
  readonly index: number;
  readonly error: unknown;
  readonly refusal: Outcome | null;
}

const internalError = refused('INTERNAL_ERROR', 'this operation failed inside Croupier and was not applied; it is logged for the operator');

/**
 * Applies every command of the batch to the cached state, in order, and numbers its events from
 * the partition's one sequence (a transaction's ledger id and a bonus event's outbox id are made
 * from that number). Commands that faulted before are answered INTERNAL_ERROR without running.
 */
export function applyBatch(cache: PartitionCache, batch: readonly BatchCommand[], context: MachineContext, firstSequence: bigint, setAside: ReadonlyMap<number, Outcome | null>): AppliedBatch | Uncertain | Faulted {
  const outcomes: Outcome[] = [];
  const sequenced: SequencedEvent[] = [];
  const changed = new Set<string>();
  const bonuses = new Set<BonusGrant>();
  const uncertain = new Set<string>();
  const written = new Set<string>();
  let sequence = firstSequence;
  for (const [index, { command }] of batch.entries()) {
    if (setAside.has(index)) {
      outcomes.push(setAside.get(index) ?? internalError);
      continue;
    }
    let applied: Applied;
    try {
      applied = apply(cache, command, context);
    } catch (error) {
      return { kind: 'faulted', index, error, refusal: null };
    }
    const clash = firstClash(applied, written);
    if (clash !== null) {
      const refusal = refused('DUPLICATE_TRANSACTION', `transaction id ${clash} is written by another operation of the same moment; retry it alone`);
      return { kind: 'faulted', index, error: null, refusal };
    }
    outcomes.push(applied.outcome);
    for (const event of applied.events) {
      sequenced.push({ sequence: sequence++, event });
      if (event.type !== 'transaction.refused') continue;
      const key = transactionKey(event.source, event.transactionId);
      if (!cache.vouchesFor(command.playerId, key)) uncertain.add(key);
    }
    for (const grant of applied.changedBonuses) bonuses.add(grant);
    if (applied.changedPlayer !== null) changed.add(applied.changedPlayer.wallet.playerId);
  }
  if (uncertain.size > 0) return { kind: 'uncertain', ids: uncertain };
  return { kind: 'applied', outcomes, events: latestProgressOnly(sequenced), changed, bonuses, nextSequence: sequence };
}

/**
 * A transaction id this command would write that the batch already writes (the same id sent
 * for two players at once, which the store's unique index would refuse for the whole batch);
 * null when none. The ids are recorded as the command is taken.
 */
function firstClash(applied: Applied, written: Set<string>): string | null {
  const keys = applied.entries.map((entry) => transactionKey(entry.record.source, entry.record.transactionId));
  const clash = keys.find((key, position) => written.has(key) || keys.indexOf(key) !== position);
  if (clash !== undefined) return clash.split('\u0000')[1] ?? clash;
  for (const key of keys) written.add(key);
  return null;
}

/** Sorts a batch's events into the rows that store them: ledger entries, refusals, outbox. */
export function storedParts(partition: number, events: readonly SequencedEvent[]): { entries: LedgerEntry[]; refusals: NumberedRefusal[]; events: OutboxEvent[] } {
  const entries: LedgerEntry[] = [];
  const refusals: NumberedRefusal[] = [];
  const outbox: OutboxEvent[] = [];
  for (const { sequence, event } of events) {
    const id = ledgerId(partition, sequence);
    if (event.type === 'transaction.refused') refusals.push({ ledgerId: id, refusal: event satisfies RefusalEvent });
    else if (isBonusEvent(event)) outbox.push({ eventId: id, event });
    else entries.push({ ledgerId: id, entry: event.entry, balanceAfter: event.balanceAfter });
  }
  return { entries, refusals, events: outbox };
}

/** The audit rows of the batch's audited commands that changed something (not refusals, not replays). */
export function auditRows(batch: readonly BatchCommand[], outcomes: readonly Outcome[]): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const [index, { command, audit }] of batch.entries()) {
    const outcome = outcomes[index];
    if (audit === null || outcome === undefined || !outcome.ok || outcome.duplicate) continue;
    rows.push({ ...audit, target: command.playerId, change: JSON.stringify(command, bigintsAsText) });
  }
  return rows;
}

function bigintsAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Within a batch, only the latest `wagering.progressed` of each bonus is kept: it carries the
 * progress after every bet before it, and a bet-by-bet stream of them would outgrow the bets.
 * (A dropped event leaves a gap in the partition's sequence.)
 */
function latestProgressOnly(events: readonly SequencedEvent[]): SequencedEvent[] {
  const seen = new Set<string>();
  const kept: SequencedEvent[] = [];
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const item = events[index] as SequencedEvent;
    const { event } = item;
    if (event.type === 'wagering.progressed') {
      const key = `${event.playerId}/${event.grantId}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    kept.push(item);
  }
  return kept.reverse();
}
