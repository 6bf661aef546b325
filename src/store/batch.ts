import type { BonusGrant } from '../core/bonus/grant.js';
import type { Entry } from '../core/entry.js';
import type { BonusEvent, RefusalEvent } from '../core/events.js';
import type { Balance } from '../core/outcome.js';
import type { PlayerStatus } from '../core/player.js';

/** What one partition's writer commits in one statement (src/store/commit-statement.ts). */
export interface Batch {
  readonly lease: PartitionLease;
  readonly nextLedgerSeq: bigint;
  readonly wallets: readonly WalletWrite[];
  readonly entries: readonly LedgerEntry[];
  readonly refusals: readonly NumberedRefusal[];
  /** Grants created in this batch (inserted with their terms) and grants that changed (updated). */
  readonly newBonuses: readonly BonusGrant[];
  readonly changedBonuses: readonly BonusGrant[];
  readonly events: readonly OutboxEvent[];
  /** Operator audit rows of the commands that changed something, written with the change. */
  readonly audits: readonly AuditRow[];
  readonly committedAt: Date;
}

/** A writer's hold on a partition: the epoch every commit checks, and where its sequence stands. */
export interface PartitionLease {
  readonly partition: number;
  readonly epoch: bigint;
  readonly nextLedgerSeq: bigint;
}

export interface WalletWrite {
  readonly playerId: string;
  readonly currency: string;
  readonly status: PlayerStatus;
  readonly cash: bigint;
  readonly bonus: bigint;
  readonly bonusOptIns: readonly string[];
  /** The version read from the store; null for a player created in this batch. */
  readonly versionRead: bigint | null;
}

/** A bonus event and its id from the partition's sequence; the other events are the ledger's and refusals' own rows. */
export interface OutboxEvent {
  readonly eventId: bigint;
  readonly event: BonusEvent;
}

export interface LedgerEntry {
  readonly ledgerId: bigint;
  readonly entry: Entry;
  /** The player's balances once the entry is applied: kept on the row, so that its event can be read back whole. */
  readonly balanceAfter: Balance;
}

/** A refused money command and its number from the partition's sequence (kept with the refusal). */
export interface NumberedRefusal {
  readonly ledgerId: bigint;
  readonly refusal: RefusalEvent;
}

/** One row of the operator audit trail (src/store/migrations/006_audit_log.sql). */
export interface AuditRow {
  readonly actor: string;
  readonly requestId: string | null;
  readonly action: string;
  readonly target: string | null;
  /** JSON text: what the call changed. */
  readonly change: string;
}
