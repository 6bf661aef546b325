import type { Command, CommandInput } from '../../src/core/commands.js';
import { parseCommand } from '../../src/core/commands.js';
import type { Outcome } from '../../src/core/outcome.js';
import type { FundsOrder } from '../../src/core/funds-order.js';
import type { MoneyLimitTable } from '../../src/core/money-limits.js';
import { transactionKey, type PlayerState, type TransactionRecord } from '../../src/core/player.js';
import type { Catalogue } from '../../src/core/bonus/campaign.js';
import type { Entry } from '../../src/core/entry.js';
import { isBonusEvent, type BonusEvent, type DomainEvent } from '../../src/core/events.js';
import type { PartitionView } from '../../src/core/wallet/context.js';
import { apply } from '../../src/core/wallet-machine.js';
import { TestCatalogue, testNow } from './catalogue.js';

/**
 * The reference model: the pure wallet machine over plain maps that never forget anything,
 * with one transaction index across all players (what the store's unique constraint enforces).
 */
export class Model implements PartitionView {
  readonly players = new Map<string, PlayerState>();
  readonly transactions = new Map<string, TransactionRecord>();
  readonly entries: Entry[] = [];
  /** The bonus events (what the outbox holds); transaction events are the entries. */
  readonly events: BonusEvent[] = [];
  /** Every event the machine made, in order: what the engine numbers and hands to subscribers. */
  readonly domainEvents: DomainEvent[] = [];
  /** The model's clock: tests move it forward to test expiry. */
  now = testNow;

  constructor(
    private readonly fundsOrder: FundsOrder = 'bonus_first',
    private readonly catalogue: Catalogue = new TestCatalogue(),
    private readonly moneyLimits: MoneyLimitTable = new Map(),
  ) {}

  player(playerId: string): PlayerState | undefined {
    return this.players.get(playerId);
  }

  addPlayer(state: PlayerState): void {
    this.players.set(state.wallet.playerId, state);
  }

  transaction(_player: PlayerState, source: string, transactionId: string): TransactionRecord | undefined {
    return this.transactions.get(transactionKey(source, transactionId));
  }

  execute(input: CommandInput): { outcome: Outcome; entries: readonly Entry[]; events: readonly BonusEvent[] } {
    const command = parseCommand(input);
    if (!command.ok) return { outcome: { ok: false, code: command.code, message: command.message }, entries: [], events: [] };
    return this.run(command.value);
  }

  run(command: Command): { outcome: Outcome; entries: readonly Entry[]; events: readonly BonusEvent[] } {
    const applied = apply(this, command, { fundsOrder: this.fundsOrder, now: this.now, catalogue: this.catalogue, moneyLimits: this.moneyLimits });
    for (const entry of applied.entries) {
      this.transactions.set(transactionKey(entry.record.source, entry.record.transactionId), entry.record);
      this.entries.push(entry);
    }
    this.domainEvents.push(...applied.events);
    const events = applied.events.filter(isBonusEvent);
    this.events.push(...events);
    return { outcome: applied.outcome, entries: applied.entries, events };
  }

  /** The sum of every posting to one player account. */
  postedTo(playerId: string, account: 'cash' | 'bonus'): bigint {
    let sum = 0n;
    for (const entry of this.entries) {
      for (const posting of entry.postings) if (posting.playerId === playerId && posting.account === account) sum += posting.amount;
    }
    return sum;
  }
}

export function json(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
}
