import type { Catalogue } from '../bonus/campaign.js';
import type { FundsOrder } from '../funds-order.js';
import type { MoneyLimitTable } from '../money-limits.js';
import type { PlayerState, TransactionRecord } from '../player.js';

/**
 * The partition's state as the machine sees it. The engine guarantees that every player,
 * round and referenced transaction a command needs was loaded before the command is applied.
 */
export interface PartitionView {
  player(playerId: string): PlayerState | undefined;
  addPlayer(state: PlayerState): void;
  /** Looks a transaction id up in the player's recent transactions, then in prefetched ones. */
  transaction(player: PlayerState, source: string, transactionId: string): TransactionRecord | undefined;
}

export interface MachineContext {
  /** Milliseconds since the epoch: the machine never reads a clock. */
  readonly now: number;
  /** Which balance a bet takes first when no bonus with its own policy is active. */
  readonly fundsOrder: FundsOrder;
  readonly catalogue: Catalogue;
  /** Per-currency limits on one transaction and on a balance; a currency left out has its default. */
  readonly moneyLimits: MoneyLimitTable;
}
