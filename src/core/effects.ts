import type { BonusGrant } from './bonus/grant.js';
import type { Entry } from './entry.js';
import type { BonusEvent, DomainEvent } from './events.js';
import { transactionKey, type PlayerState } from './player.js';
import { assert } from './result.js';

/**
 * What applying one command did to a player: ledger entries (their postings already applied
 * to the wallet), the events that tell of them in order, and the bonus grants that changed.
 */
export class Effects {
  readonly entries: Entry[] = [];
  readonly events: DomainEvent[] = [];
  readonly grants = new Set<BonusGrant>();
  walletChanged = false;

  /**
   * @param balanceMax the most the player's cash + bonus may reach: a bonus that activates later
   * (queued behind another) is checked against it when it would be credited.
   */
  constructor(
    readonly player: PlayerState,
    readonly balanceMax: bigint,
  ) {}

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
    const type = `transaction.${entry.record.kind}` as const;
    this.events.push({ type, playerId: wallet.playerId, entry, balanceAfter: { cash: wallet.cash, bonus: wallet.bonus } });
  }

  emit(event: BonusEvent): void {
    assert(event.playerId === this.player.wallet.playerId, `an event of ${event.playerId} among the effects of ${this.player.wallet.playerId}`);
    this.events.push(event);
  }

  changed(grant: BonusGrant): void {
    this.grants.add(grant);
  }
}
