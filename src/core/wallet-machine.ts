import type { BonusGrant } from './bonus/grant.js';
import { expireIfDue } from './bonus/lifecycle.js';
import type { Command, MoneyCommand, RegisterPlayer } from './commands.js';
import { Effects } from './effects.js';
import type { Entry } from './entry.js';
import type { DomainEvent, RefusalEvent } from './events.js';
import { refused, type Outcome, type Refused } from './outcome.js';
import { newPlayerState, sameParameters, type PlayerState, type TransactionRecord } from './player.js';
import { accepted } from './wallet/answers.js';
import { bet } from './wallet/bet.js';
import { cancelBonus } from './wallet/cancel-bonus.js';
import type { MachineContext, PartitionView } from './wallet/context.js';
import { deposit } from './wallet/deposit.js';
import { grantBonus } from './wallet/grant-bonus.js';
import { optIn } from './wallet/opt-in.js';
import { requestRecord } from './wallet/records.js';
import { rollback } from './wallet/rollback.js';
import { win } from './wallet/win.js';
import { withdraw } from './wallet/withdrawal.js';

export type { MachineContext, PartitionView } from './wallet/context.js';

/**
 * What one command did: its answer, the ledger entries it appended, every event it made in
 * order (a transaction event per entry, bonus events, its refusal when a money command is
 * refused), and the rows it changed.
 */
export interface Applied {
  readonly outcome: Outcome;
  readonly entries: readonly Entry[];
  readonly events: readonly DomainEvent[];
  /** The player whose wallet row changed (balance, status or opt-ins), if any. */
  readonly changedPlayer: PlayerState | null;
  readonly changedBonuses: readonly BonusGrant[];
}

/** The wallet state machine: applies one command to the partition's state, without I/O. */
export function apply(view: PartitionView, command: Command, context: MachineContext): Applied {
  if (command.kind === 'register') return register(view, command);
  const player = view.player(command.playerId);
  if (player === undefined) return bare(command, refused('PLAYER_NOT_FOUND', `player ${command.playerId} not found`));
  const effects = new Effects(player);
  // Time-based rules run on every touch, before the command itself.
  expireIfDue(player, context.now, effects);
  const outcome = dispatch(view, player, command, context, effects);
  const refusal = refusalOf(command, outcome);
  return {
    outcome,
    entries: effects.entries,
    events: refusal === null ? effects.events : [...effects.events, refusal],
    changedPlayer: effects.walletChanged ? player : null,
    changedBonuses: [...effects.grants],
  };
}

function dispatch(view: PartitionView, player: PlayerState, command: Exclude<Command, RegisterPlayer>, context: MachineContext, effects: Effects): Outcome {
  switch (command.kind) {
    case 'balance':
    case 'touch':
      return accepted(player, null, false);
    case 'block':
    case 'unblock':
      player.wallet.status = command.kind === 'block' ? 'blocked' : 'active';
      effects.walletChanged = true;
      return accepted(player, null, false);
    case 'grant_bonus':
      return grantBonus(player, command, context, effects);
    case 'cancel_bonus':
      return cancelBonus(player, command, context, effects);
    case 'opt_in':
      return optIn(player, command, context, effects);
    default:
      return applyMoney(view, player, command, context, effects);
  }
}

function register(view: PartitionView, command: RegisterPlayer): Applied {
  const existing = view.player(command.playerId);
  if (existing !== undefined) {
    if (existing.wallet.currency.code !== command.currency.code) {
      const message = `player ${command.playerId} exists with currency ${existing.wallet.currency.code}`;
      return bare(command, refused('PLAYER_EXISTS', message));
    }
    return bare(command, accepted(existing, null, true));
  }
  const wallet = { playerId: command.playerId, currency: command.currency, cash: 0n, bonus: 0n, status: 'active' as const };
  const player = newPlayerState(wallet, true);
  view.addPlayer(player);
  return { outcome: accepted(player, null, false), entries: [], events: [], changedPlayer: player, changedBonuses: [] };
}

function applyMoney(view: PartitionView, player: PlayerState, command: MoneyCommand, context: MachineContext, effects: Effects): Outcome {
  const request = requestRecord(player, command);
  const existing = view.transaction(player, command.source, command.transactionId);
  if (existing !== undefined) return replay(player, command, request, existing);
  const mismatch = currencyMismatch(player, command);
  if (mismatch !== null) return mismatch;
  switch (command.kind) {
    case 'deposit':
      return deposit(player, command, request, context, effects);
    case 'withdrawal':
      return withdraw(player, command, request, context, effects);
    case 'bet':
      return bet(player, command, request, context, effects);
    case 'win':
      return win(player, command, request, context, effects);
    case 'rollback':
      return rollback(view, player, command, request, context, effects);
  }
}

function replay(player: PlayerState, command: MoneyCommand, request: TransactionRecord, existing: TransactionRecord): Outcome {
  if (existing.kind === 'tombstone') {
    if (command.kind === 'bet') return refused('TRANSACTION_ROLLED_BACK', `bet ${command.transactionId} was rolled back before it arrived`);
    return refused('DUPLICATE_TRANSACTION', `transaction ${command.transactionId} is a rolled-back bet id`);
  }
  if (!sameParameters(existing, request)) return refused('DUPLICATE_TRANSACTION', `transaction ${command.transactionId} exists with other parameters`);
  return accepted(player, command.transactionId, true);
}

function currencyMismatch(player: PlayerState, command: MoneyCommand): Refused | null {
  const currency = 'currency' in command ? command.currency : null;
  if (currency === null || currency === player.wallet.currency.code) return null;
  return refused('CURRENCY_MISMATCH', `player ${player.wallet.playerId} plays in ${player.wallet.currency.code}, not ${currency}`);
}

/** A refused money command is recorded with its batch (every refusal leaves an audit trace). */
function refusalOf(command: Command, outcome: Outcome): RefusalEvent | null {
  if (outcome.ok || !isMoney(command)) return null;
  return { type: 'transaction.refused', playerId: command.playerId, command, code: outcome.code };
}

function bare(command: Command, outcome: Outcome): Applied {
  const refusal = refusalOf(command, outcome);
  return { outcome, entries: [], events: refusal === null ? [] : [refusal], changedPlayer: null, changedBonuses: [] };
}

function isMoney(command: Command): command is MoneyCommand {
  return 'transactionId' in command;
}
