import type { BonusGrant, Bet, Command, Deposit, MoneyCommand, RegisterPlayer, Rollback, Win, Withdrawal } from './commands.js';
import { housePosting, legs, playerPosting, reversed, type Posting } from './ledger.js';
import { allocate } from './money.js';
import { refused, type Outcome, type Refused } from './outcome.js';
import {
  emptyRound,
  newPlayerState,
  roundKey,
  sameParameters,
  transactionKey,
  type FundsOrder,
  type PlayerState,
  type Round,
  type TransactionRecord,
} from './player.js';
import { assert, type ErrorCode } from './result.js';

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

export interface MachineOptions {
  readonly fundsOrder: FundsOrder;
}

/** A transaction to append to the ledger: its record, how it moved money and its legs. */
export interface Entry {
  readonly record: TransactionRecord;
  /** Bet: taken from cash / bonus. Win: paid to cash / bonus. Rollback: returned to each. */
  readonly cashAmount: bigint;
  readonly bonusAmount: bigint;
  readonly postings: readonly Posting[];
}

export interface Refusal {
  readonly command: MoneyCommand;
  readonly code: ErrorCode;
}

export interface Applied {
  readonly outcome: Outcome;
  readonly entries: readonly Entry[];
  readonly refusal: Refusal | null;
  /** The player whose wallet row changed (balance or status), if any. */
  readonly changedPlayer: PlayerState | null;
}

export function apply(view: PartitionView, command: Command, options: MachineOptions): Applied {
  if (command.kind === 'register') return register(view, command);
  const player = view.player(command.playerId);
  if (player === undefined) return rejected(command, refused('PLAYER_NOT_FOUND', `player ${command.playerId} not found`));
  switch (command.kind) {
    case 'balance':
      return { outcome: accepted(player, null, false), entries: [], refusal: null, changedPlayer: null };
    case 'block':
    case 'unblock':
      player.wallet.status = command.kind === 'block' ? 'blocked' : 'active';
      return { outcome: accepted(player, null, false), entries: [], refusal: null, changedPlayer: player };
    default:
      return applyMoney(view, player, command, options);
  }
}

function register(view: PartitionView, command: RegisterPlayer): Applied {
  const existing = view.player(command.playerId);
  if (existing !== undefined) {
    if (existing.wallet.currency.code !== command.currency.code) {
      const message = `player ${command.playerId} exists with currency ${existing.wallet.currency.code}`;
      return rejected(command, refused('PLAYER_EXISTS', message));
    }
    return { outcome: accepted(existing, null, true), entries: [], refusal: null, changedPlayer: null };
  }
  const wallet = { playerId: command.playerId, currency: command.currency, cash: 0n, bonus: 0n, status: 'active' as const };
  const player = newPlayerState(wallet, true);
  view.addPlayer(player);
  return { outcome: accepted(player, null, false), entries: [], refusal: null, changedPlayer: player };
}

function applyMoney(view: PartitionView, player: PlayerState, command: MoneyCommand, options: MachineOptions): Applied {
  const request = requestRecord(player, command);
  const existing = view.transaction(player, command.source, command.transactionId);
  if (existing !== undefined) return replay(player, command, request, existing);
  const mismatch = currencyMismatch(player, command);
  if (mismatch !== null) return rejected(command, mismatch);
  const result = decide(view, player, command, request, options);
  if (!result.ok) return rejected(command, result);
  for (const entry of result.entries) {
    player.transactions.set(transactionKey(entry.record.source, entry.record.transactionId), entry.record);
    applyPostings(player, entry.postings);
  }
  const changedPlayer = result.entries.some((entry) => entry.postings.length > 0) ? player : null;
  if (result.answer !== null) {
    return { outcome: result.answer, entries: result.entries, refusal: { command, code: result.answer.code }, changedPlayer };
  }
  return { outcome: accepted(player, command.transactionId, false), entries: result.entries, refusal: null, changedPlayer };
}

function replay(player: PlayerState, command: MoneyCommand, request: TransactionRecord, existing: TransactionRecord): Applied {
  if (existing.kind === 'tombstone') {
    if (command.kind === 'bet') {
      return rejected(command, refused('TRANSACTION_ROLLED_BACK', `bet ${command.transactionId} was rolled back before it arrived`));
    }
    return rejected(command, refused('DUPLICATE_TRANSACTION', `transaction ${command.transactionId} is a rolled-back bet id`));
  }
  if (!sameParameters(existing, request)) {
    return rejected(command, refused('DUPLICATE_TRANSACTION', `transaction ${command.transactionId} exists with other parameters`));
  }
  return { outcome: accepted(player, command.transactionId, true), entries: [], refusal: null, changedPlayer: null };
}

function currencyMismatch(player: PlayerState, command: MoneyCommand): Refused | null {
  const currency = 'currency' in command ? command.currency : null;
  if (currency === null || currency === player.wallet.currency.code) return null;
  return refused('CURRENCY_MISMATCH', `player ${player.wallet.playerId} plays in ${player.wallet.currency.code}, not ${currency}`);
}

/**
 * What a command decided: refused with nothing to write, or entries to append. A few entries
 * are written even though the caller hears a refusal (the tombstone of a rollback that the
 * provider wants answered with BET_NOT_FOUND).
 */
type Decision = { readonly ok: true; readonly entries: Entry[]; readonly answer: Refused | null } | Refused;

function decide(view: PartitionView, player: PlayerState, command: MoneyCommand, request: TransactionRecord, options: MachineOptions): Decision {
  switch (command.kind) {
    case 'deposit':
      return deposit(player, command, request);
    case 'withdrawal':
      return withdraw(player, command, request);
    case 'bonus_grant':
      return grantBonus(player, command, request);
    case 'bet':
      return bet(player, command, request, options.fundsOrder);
    case 'win':
      return win(player, command, request);
    case 'rollback':
      return rollback(view, player, command, request);
  }
}

function deposit(player: PlayerState, command: Deposit, request: TransactionRecord): Decision {
  if (player.wallet.status === 'blocked') return blocked(player);
  const postings = legs(housePosting('world:payments', -command.amount), playerPosting(player.wallet.playerId, 'cash', command.amount));
  return decided(entry(request, command.amount, 0n, postings));
}

/** Withdrawals stay open for blocked players: a closed or self-excluded account is paid out. */
function withdraw(player: PlayerState, command: Withdrawal, request: TransactionRecord): Decision {
  if (player.wallet.cash < command.amount) return insufficient(player, command.amount, player.wallet.cash);
  const postings = legs(playerPosting(player.wallet.playerId, 'cash', -command.amount), housePosting('world:payments', command.amount));
  return decided(entry(request, command.amount, 0n, postings));
}

function grantBonus(player: PlayerState, command: BonusGrant, request: TransactionRecord): Decision {
  if (player.wallet.status === 'blocked') return blocked(player);
  const postings = legs(housePosting('house:bonus', -command.amount), playerPosting(player.wallet.playerId, 'bonus', command.amount));
  return decided(entry(request, 0n, command.amount, postings));
}

function bet(player: PlayerState, command: Bet, request: TransactionRecord, fundsOrder: FundsOrder): Decision {
  const { wallet } = player;
  if (wallet.status === 'blocked') return blocked(player);
  if (wallet.cash + wallet.bonus < command.amount) return insufficient(player, command.amount, wallet.cash + wallet.bonus);
  const split = splitStake(command.amount, wallet.cash, wallet.bonus, fundsOrder);
  const postings = legs(
    playerPosting(wallet.playerId, 'cash', -split.fromCash),
    playerPosting(wallet.playerId, 'bonus', -split.fromBonus),
    housePosting('house:games', command.amount),
  );
  const round = roundFor(player, command.source, command.roundId);
  round.bets.set(command.transactionId, { transactionId: command.transactionId, amount: command.amount, ...split, rolledBack: false });
  return decided(entry(request, split.fromCash, split.fromBonus, postings));
}

export function splitStake(amount: bigint, cash: bigint, bonus: bigint, fundsOrder: FundsOrder): { fromCash: bigint; fromBonus: bigint } {
  assert(cash + bonus >= amount, 'stake exceeds funds');
  if (fundsOrder === 'bonus_first') {
    const fromBonus = bonus < amount ? bonus : amount;
    return { fromCash: amount - fromBonus, fromBonus };
  }
  const fromCash = cash < amount ? cash : amount;
  return { fromCash, fromBonus: amount - fromCash };
}

/**
 * A win is paid in proportion to how the round's standing stakes were funded: the share
 * staked from bonus goes back to bonus, the rest to cash.
 */
function win(player: PlayerState, command: Win, request: TransactionRecord): Decision {
  const round = knownRound(player, command.source, command.roundId);
  if (round === undefined || round.bets.size === 0) {
    return refused('ROUND_NOT_FOUND', `round ${command.roundId} has no bet from player ${player.wallet.playerId}`);
  }
  const standing = [...round.bets.values()].filter((record) => !record.rolledBack);
  if (standing.length === 0) return refused('TRANSACTION_ROLLED_BACK', `every bet of round ${command.roundId} was rolled back`);
  const stakeFromCash = standing.reduce((sum, record) => sum + record.fromCash, 0n);
  const stakeFromBonus = standing.reduce((sum, record) => sum + record.fromBonus, 0n);
  const [toCash = 0n, toBonus = 0n] = allocate(command.amount, [stakeFromCash, stakeFromBonus]);
  const postings = legs(
    housePosting('house:games', -command.amount),
    playerPosting(player.wallet.playerId, 'cash', toCash),
    playerPosting(player.wallet.playerId, 'bonus', toBonus),
  );
  round.settled = true;
  return decided(entry(request, toCash, toBonus, postings));
}

function rollback(view: PartitionView, player: PlayerState, command: Rollback, request: TransactionRecord): Decision {
  const reference = view.transaction(player, command.source, command.referenceTransactionId);
  if (reference === undefined) return rollbackUnknown(player, command, request);
  if (reference.kind === 'tombstone') {
    return command.unknownBet === 'ok' ? decided(entry(request, 0n, 0n, [])) : betNotFound(command);
  }
  if (reference.kind !== 'bet' || reference.playerId !== player.wallet.playerId || reference.roundId !== command.roundId) {
    return refused('BET_NOT_FOUND', `${command.referenceTransactionId} is not a bet of player ${player.wallet.playerId} in round ${command.roundId}`);
  }
  const round = knownRound(player, command.source, command.roundId);
  const stake = round?.bets.get(command.referenceTransactionId);
  assert(round !== undefined && stake !== undefined, 'a known bet has a loaded round');
  // A bet already reversed by another rollback id is not reversed twice.
  if (stake.rolledBack) return decided(entry(request, 0n, 0n, []));
  if (round.settled) return refused('ALREADY_SETTLED', `round ${command.roundId} is already paid`);
  const postings = legs(
    ...reversed([
      playerPosting(player.wallet.playerId, 'cash', -stake.fromCash),
      playerPosting(player.wallet.playerId, 'bonus', -stake.fromBonus),
      housePosting('house:games', stake.amount),
    ]),
  );
  stake.rolledBack = true;
  return decided(entry(request, stake.fromCash, stake.fromBonus, postings));
}

/** The bet never arrived: its id is tombstoned so that it is refused if it comes late. */
function rollbackUnknown(player: PlayerState, command: Rollback, request: TransactionRecord): Decision {
  const tombstone: Entry = {
    record: {
      source: command.source,
      transactionId: command.referenceTransactionId,
      playerId: player.wallet.playerId,
      kind: 'tombstone',
      amount: 0n,
      currency: player.wallet.currency.code,
      roundId: command.roundId,
      gameId: null,
      referenceTransactionId: command.transactionId,
    },
    cashAmount: 0n,
    bonusAmount: 0n,
    postings: [],
  };
  const round = roundFor(player, command.source, command.roundId);
  round.bets.set(command.referenceTransactionId, { transactionId: command.referenceTransactionId, amount: 0n, fromCash: 0n, fromBonus: 0n, rolledBack: true });
  if (command.unknownBet === 'error') return { ok: true, entries: [tombstone], answer: betNotFound(command) };
  return decided(tombstone, entry(request, 0n, 0n, []));
}

function betNotFound(command: Rollback): Refused {
  return refused('BET_NOT_FOUND', `bet ${command.referenceTransactionId} not found`);
}

function knownRound(player: PlayerState, source: string, roundId: string): Round | undefined {
  const round = player.rounds.get(roundKey(source, roundId));
  assert(round === undefined ? player.historyComplete : round.complete, 'a round read by a win or rollback is loaded');
  return round;
}

function roundFor(player: PlayerState, source: string, roundId: string): Round {
  const key = roundKey(source, roundId);
  const existing = player.rounds.get(key);
  if (existing !== undefined) return existing;
  const round = emptyRound(player.historyComplete);
  player.rounds.set(key, round);
  return round;
}

function requestRecord(player: PlayerState, command: MoneyCommand): TransactionRecord {
  const isGameMove = command.kind === 'bet' || command.kind === 'win';
  return {
    source: command.source,
    transactionId: command.transactionId,
    playerId: command.playerId,
    kind: command.kind,
    amount: command.kind === 'rollback' ? 0n : command.amount,
    currency: player.wallet.currency.code,
    roundId: command.kind === 'rollback' || isGameMove ? command.roundId : null,
    gameId: isGameMove ? command.gameId : null,
    referenceTransactionId: command.kind === 'rollback' ? command.referenceTransactionId : null,
  };
}

function entry(record: TransactionRecord, cashAmount: bigint, bonusAmount: bigint, postings: Posting[]): Entry {
  return { record, cashAmount, bonusAmount, postings };
}

function decided(...entries: Entry[]): Decision {
  return { ok: true, entries, answer: null };
}

/** Player balances move only through postings, so a stored balance is the sum of its postings. */
function applyPostings(player: PlayerState, postings: readonly Posting[]): void {
  const { wallet } = player;
  for (const posting of postings) {
    if (posting.playerId !== wallet.playerId) continue;
    if (posting.account === 'cash') wallet.cash += posting.amount;
    if (posting.account === 'bonus') wallet.bonus += posting.amount;
  }
  assert(wallet.cash >= 0n, `cash of ${wallet.playerId} went negative`);
  assert(wallet.bonus >= 0n, `bonus of ${wallet.playerId} went negative`);
}

function blocked(player: PlayerState): Refused {
  return refused('PLAYER_BLOCKED', `player ${player.wallet.playerId} is blocked`);
}

function insufficient(player: PlayerState, needed: bigint, available: bigint): Refused {
  return refused('INSUFFICIENT_FUNDS', `player ${player.wallet.playerId} has ${available}, needs ${needed}`);
}

function accepted(player: PlayerState, transactionId: string | null, duplicate: boolean): Outcome {
  const { wallet } = player;
  return {
    ok: true,
    playerId: wallet.playerId,
    currency: wallet.currency.code,
    transactionId,
    duplicate,
    balance: { cash: wallet.cash, bonus: wallet.bonus },
    status: wallet.status,
  };
}

function rejected(command: Command, outcome: Refused): Applied {
  const refusal = isMoney(command) ? { command, code: outcome.code } : null;
  return { outcome, entries: [], refusal, changedPlayer: null };
}

function isMoney(command: Command): command is MoneyCommand {
  return 'transactionId' in command;
}
