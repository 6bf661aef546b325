import type { BonusGrant } from './bonus/grant.js';
import type { Posting } from './ledger.js';
import { transactionKey, type PlayerState, type TransactionRecord } from './player.js';
import { assert } from './result.js';

/** A transaction to append to the ledger: its record, how it moved money and its legs. */
export interface Entry {
  readonly record: TransactionRecord;
  /** Bet: taken from cash / bonus. Win: paid to cash / bonus. Rollback: returned to each. */
  readonly cashAmount: bigint;
  readonly bonusAmount: bigint;
  readonly postings: readonly Posting[];
  /** The bonus that was active when a bet was placed, and what the bet added to its wagering. */
  readonly bonusGrantId: string | null;
  readonly contribution: bigint;
}

export type EventValue = string | number | boolean | null;

/** A change worth telling the outside world about, written to the outbox with its batch. */
export interface DomainEvent {
  readonly type: string;
  readonly playerId: string;
  readonly data: Readonly<Record<string, EventValue>>;
}

/**
 * What applying one command did to a player: ledger entries (their postings already applied
 * to the wallet), events, and the bonus grants that changed.
 */
export class Effects {
  readonly entries: Entry[] = [];
  readonly events: DomainEvent[] = [];
  readonly grants = new Set<BonusGrant>();
  walletChanged = false;

  constructor(readonly player: PlayerState) {}

  /** Appends an entry and moves the player's balances by its postings, never below zero. */
  post(entry: Entry): void {
    const { wallet } = this.player;
    for (const posting of entry.postings) {
      if (posting.playerId !== wallet.playerId) continue;
      if (posting.account === 'cash') wallet.cash += posting.amount;
      if (posting.account === 'bonus') wallet.bonus += posting.amount;
      this.walletChanged = true;
    }
    assert(wallet.cash >= 0n, `cash of ${wallet.playerId} went negative`);
    assert(wallet.bonus >= 0n, `bonus of ${wallet.playerId} went negative`);
    this.player.transactions.set(transactionKey(entry.record.source, entry.record.transactionId), entry.record);
    this.entries.push(entry);
  }

  emit(type: string, data: Record<string, EventValue>): void {
    this.events.push({ type, playerId: this.player.wallet.playerId, data });
  }

  changed(grant: BonusGrant): void {
    this.grants.add(grant);
  }
}
