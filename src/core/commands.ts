import { parseId } from './ids.js';
import { findCurrency, parseAmount, type Currency } from './money.js';
import { failure, success, type Result } from './result.js';

/** What a provider has chosen to hear when it rolls back a bet Croupier never saw. */
export type UnknownBetPolicy = 'ok' | 'error';

interface Mutation {
  /** Who issued the transaction id: a provider id, or "operator". Ids are unique per source. */
  readonly source: string;
  readonly transactionId: string;
  readonly playerId: string;
}

export interface RegisterPlayer {
  readonly kind: 'register';
  readonly playerId: string;
  readonly currency: Currency;
}
export interface Deposit extends Mutation {
  readonly kind: 'deposit';
  readonly amount: bigint;
  readonly currency: string | null;
  /** A campaign code that claims a bonus with this deposit. */
  readonly bonusCode: string | null;
}
export interface Withdrawal extends Mutation {
  readonly kind: 'withdrawal';
  readonly amount: bigint;
  readonly currency: string | null;
}
/** The operator grants a campaign's bonus to a player; idempotent by grant id (per player). */
export interface GrantBonus {
  readonly kind: 'grant_bonus';
  readonly playerId: string;
  readonly grantId: string;
  readonly campaignId: string;
  /** The amount, for free-spins winnings; other campaign types set their own. */
  readonly amount: bigint | null;
}
export interface CancelBonus {
  readonly kind: 'cancel_bonus';
  readonly playerId: string;
  readonly grantId: string;
}
export interface OptIn {
  readonly kind: 'opt_in';
  readonly playerId: string;
  readonly campaignId: string;
}
export interface Bet extends Mutation {
  readonly kind: 'bet';
  readonly roundId: string;
  readonly gameId: string;
  readonly amount: bigint;
  readonly currency: string;
}
export interface Win extends Mutation {
  readonly kind: 'win';
  readonly roundId: string;
  readonly gameId: string;
  readonly amount: bigint;
  readonly currency: string;
  /** The paying provider's own limits, if it has any. */
  readonly payoutLimits: PayoutLimits;
}
/** A provider's optional ceilings on what it may pay: one win, and all the wins of one round. */
export interface PayoutLimits {
  readonly winMax: bigint | null;
  readonly roundPayoutMax: bigint | null;
}
export interface Rollback extends Mutation {
  readonly kind: 'rollback';
  readonly roundId: string;
  readonly referenceTransactionId: string;
  readonly unknownBet: UnknownBetPolicy;
}
export interface BalanceQuery {
  readonly kind: 'balance';
  readonly playerId: string;
}
export interface StatusChange {
  readonly kind: 'block' | 'unblock';
  readonly playerId: string;
}
/** Touches a player so that time-based rules (bonus expiry) run; answers like a balance query. */
export interface Touch {
  readonly kind: 'touch';
  readonly playerId: string;
}

export type Command =
  | RegisterPlayer
  | Deposit
  | Withdrawal
  | GrantBonus
  | CancelBonus
  | OptIn
  | Touch
  | Bet
  | Win
  | Rollback
  | BalanceQuery
  | StatusChange;

export type MoneyCommand = Deposit | Withdrawal | Bet | Win | Rollback;

export type CommandKind = Command['kind'];

/** Loose input as it arrives from JSON: every field is checked by `parseCommand`. */
export type CommandInput = { readonly kind: CommandKind } & Readonly<Record<string, unknown>>;

export function parseCommand(input: CommandInput): Result<Command> {
  switch (input.kind) {
    case 'register':
      return parseRegister(input);
    case 'deposit':
    case 'withdrawal':
      return parseTransfer(input, input.kind);
    case 'grant_bonus':
      return parseGrantBonus(input);
    case 'cancel_bonus':
      return parseCancelBonus(input);
    case 'opt_in':
      return parseOptIn(input);
    case 'bet':
    case 'win':
      return parseGameMove(input, input.kind);
    case 'rollback':
      return parseRollback(input);
    case 'balance':
    case 'block':
    case 'unblock':
    case 'touch':
      return parsePlayerOnly(input, input.kind);
    default:
      return failure('VALIDATION_ERROR', 'unknown command kind');
  }
}

function parseRegister(input: CommandInput): Result<RegisterPlayer> {
  const playerId = parseId(input.playerId, 'player_id');
  if (!playerId.ok) return playerId;
  const currency = findCurrency(input.currency);
  if (!currency.ok) return currency;
  return success({ kind: 'register', playerId: playerId.value, currency: currency.value });
}

function parseMutation(input: CommandInput): Result<Mutation> {
  const source = parseId(input.source, 'source');
  if (!source.ok) return source;
  const transactionId = parseId(input.transactionId, 'transaction_id');
  if (!transactionId.ok) return transactionId;
  const playerId = parseId(input.playerId, 'player_id');
  if (!playerId.ok) return playerId;
  return success({ source: source.value, transactionId: transactionId.value, playerId: playerId.value });
}

function parseOptionalCurrency(input: unknown): Result<string | null> {
  if (input === undefined || input === null) return success(null);
  const currency = findCurrency(input);
  return currency.ok ? success(currency.value.code) : currency;
}

function parseTransfer(input: CommandInput, kind: 'deposit' | 'withdrawal'): Result<Deposit | Withdrawal> {
  const mutation = parseMutation(input);
  if (!mutation.ok) return mutation;
  const amount = parseAmount(input.amount, { allowZero: false });
  if (!amount.ok) return amount;
  const currency = parseOptionalCurrency(input.currency);
  if (!currency.ok) return currency;
  if (kind === 'withdrawal') return success({ kind, ...mutation.value, amount: amount.value, currency: currency.value });
  const bonusCode = input.bonusCode === undefined || input.bonusCode === null ? success(null) : parseId(input.bonusCode, 'bonus_code');
  if (!bonusCode.ok) return bonusCode;
  return success({ kind, ...mutation.value, amount: amount.value, currency: currency.value, bonusCode: bonusCode.value });
}

function parseGrantBonus(input: CommandInput): Result<GrantBonus> {
  const playerId = parseId(input.playerId, 'player_id');
  if (!playerId.ok) return playerId;
  const grantId = parseId(input.grantId, 'grant_id');
  if (!grantId.ok) return grantId;
  const campaignId = parseId(input.campaignId, 'campaign_id');
  if (!campaignId.ok) return campaignId;
  const amount = input.amount === undefined || input.amount === null ? success(null) : parseAmount(input.amount, { allowZero: false });
  if (!amount.ok) return amount;
  return success({ kind: 'grant_bonus', playerId: playerId.value, grantId: grantId.value, campaignId: campaignId.value, amount: amount.value });
}

function parseCancelBonus(input: CommandInput): Result<CancelBonus> {
  const playerId = parseId(input.playerId, 'player_id');
  if (!playerId.ok) return playerId;
  const grantId = parseId(input.grantId, 'grant_id');
  if (!grantId.ok) return grantId;
  return success({ kind: 'cancel_bonus', playerId: playerId.value, grantId: grantId.value });
}

function parseOptIn(input: CommandInput): Result<OptIn> {
  const playerId = parseId(input.playerId, 'player_id');
  if (!playerId.ok) return playerId;
  const campaignId = parseId(input.campaignId, 'campaign_id');
  if (!campaignId.ok) return campaignId;
  return success({ kind: 'opt_in', playerId: playerId.value, campaignId: campaignId.value });
}

function parseGameMove(input: CommandInput, kind: 'bet' | 'win'): Result<Bet | Win> {
  const mutation = parseMutation(input);
  if (!mutation.ok) return mutation;
  const roundId = parseId(input.roundId, 'round_id');
  if (!roundId.ok) return roundId;
  const gameId = parseId(input.gameId, 'game_id');
  if (!gameId.ok) return gameId;
  // A win of "0" settles a lost round; a bet must stake something.
  const amount = parseAmount(input.amount, { allowZero: kind === 'win' });
  if (!amount.ok) return amount;
  const currency = findCurrency(input.currency);
  if (!currency.ok) return currency;
  const move = { ...mutation.value, roundId: roundId.value, gameId: gameId.value, amount: amount.value, currency: currency.value.code };
  if (kind === 'bet') return success({ kind, ...move });
  const payoutLimits = parsePayoutLimits(input);
  if (!payoutLimits.ok) return payoutLimits;
  return success({ kind, ...move, payoutLimits: payoutLimits.value });
}

/** A provider's limits come from its configuration (`winMax`, `roundPayoutMax`), absent when it has none. */
function parsePayoutLimits(input: CommandInput): Result<PayoutLimits> {
  const winMax = optionalAmount(input.winMax, 'winMax');
  if (!winMax.ok) return winMax;
  const roundPayoutMax = optionalAmount(input.roundPayoutMax, 'roundPayoutMax');
  if (!roundPayoutMax.ok) return roundPayoutMax;
  return success({ winMax: winMax.value, roundPayoutMax: roundPayoutMax.value });
}

function optionalAmount(input: unknown, field: string): Result<bigint | null> {
  if (input === undefined || input === null) return success(null);
  const amount = parseAmount(input, { allowZero: true });
  return amount.ok ? amount : failure('VALIDATION_ERROR', `${field}: ${amount.message}`);
}

function parseRollback(input: CommandInput): Result<Rollback> {
  const mutation = parseMutation(input);
  if (!mutation.ok) return mutation;
  const roundId = parseId(input.roundId, 'round_id');
  if (!roundId.ok) return roundId;
  const reference = parseId(input.referenceTransactionId, 'reference_transaction_id');
  if (!reference.ok) return reference;
  if (reference.value === mutation.value.transactionId) return failure('VALIDATION_ERROR', 'a rollback names another transaction: reference_transaction_id must differ from transaction_id');
  const unknownBet = input.unknownBet ?? 'ok';
  if (unknownBet !== 'ok' && unknownBet !== 'error') {
    return failure('VALIDATION_ERROR', 'unknownBet must be "ok" or "error"');
  }
  return success({
    kind: 'rollback',
    ...mutation.value,
    roundId: roundId.value,
    referenceTransactionId: reference.value,
    unknownBet,
  });
}

function parsePlayerOnly(input: CommandInput, kind: 'balance' | 'block' | 'unblock' | 'touch'): Result<Command> {
  const playerId = parseId(input.playerId, 'player_id');
  if (!playerId.ok) return playerId;
  return success({ kind, playerId: playerId.value });
}
