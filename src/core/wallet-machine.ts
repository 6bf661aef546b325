import type { BonusGrant } from './bonus/grant.js';
import { expireIfDue } from './bonus/lifecycle.js';
import type { Command, MoneyCommand, RegisterPlayer } from './commands.js';
import { Effects } from './effects.js';
import { limitsFor } from './money-limits.js';
import type { Entry } from './entry.js';
import type { DomainEvent, RefusalEvent } from './events.js';
import { refused, type Outcome, type Refused } from './outcome.js';
import { sameParameters, type PlayerState, type TransactionRecord } from './player.js';
import { accepted } from './wallet/answers.js';
import { bet } from './wallet/bet.js';
import { cancelBonus } from './wallet/cancel-bonus.js';
import type { MachineContext, PartitionView } from './wallet/context.js';
import { deposit } from './wallet/deposit.js';
import { grantBonus } from './wallet/grant-bonus.js';
import { optIn } from './wallet/opt-in.js';
import { register } from './wallet/register.js';
import { requestRecord } from './wallet/records.js';
import { rollback } from './wallet/rollback.js';
import { changeStatus } from './wallet/status-change.js';
import { win } from './wallet/win.js';
import { withdraw } from './wallet/withdrawal.js';

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
  if (command.kind === 'register') {
    const { outcome, created } = register(view, command);
    return { outcome, entries: [], events: refusalsOf(command, outcome), changedPlayer: created, changedBonuses: [] };
  }
  const player = view.player(command.playerId);
  if (player === undefined) return bare(command, refused('PLAYER_NOT_FOUND', `player ${command.playerId} not found`));
  const effects = new Effects(player, limitsFor(context.moneyLimits, player.wallet.currency).balanceMax);
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
      return changeStatus(player, command, effects);
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
  return { type: 'transaction.refused', playerId: command.playerId, source: command.source, transactionId: command.transactionId, kind: command.kind, code: outcome.code };
}

function bare(command: Command, outcome: Outcome): Applied {
  return { outcome, entries: [], events: refusalsOf(command, outcome), changedPlayer: null, changedBonuses: [] };
}

function refusalsOf(command: Command, outcome: Outcome): DomainEvent[] {
  const refusal = refusalOf(command, outcome);
  return refusal === null ? [] : [refusal];
}

function isMoney(command: Command): command is MoneyCommand {
  return 'transactionId' in command;
}
