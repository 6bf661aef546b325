import {
  activeBonus,
  addGrant,
  bonusReturn,
  end,
  expireIfDue,
  findBonus,
  grantsOfCampaign,
  roundSettled,
  unwager,
  wager,
} from './bonus/lifecycle.js';
import { bonusFor, contributionOf, isOpen, type Campaign, type Catalogue } from './bonus/campaign.js';
import { progressPercent } from './bonus/grant.js';
import type { Bet, CancelBonus, Command, Deposit, GrantBonus, MoneyCommand, OptIn, RegisterPlayer, Rollback, Win, Withdrawal } from './commands.js';
import { Effects, type DomainEvent, type Entry } from './effects.js';
import { housePosting, legs, playerPosting, type Posting } from './ledger.js';
import { allocate } from './money.js';
import { refused, type Accepted, type ActiveBonus, type Outcome, type Refused } from './outcome.js';
import {
  addBet,
  betOf,
  emptyRound,
  newPlayerState,
  roundKey,
  sameParameters,
  tombstoneStake,
  type FundsOrder,
  type PlayerState,
  type Round,
  type TransactionRecord,
} from './player.js';
import { assert, type ErrorCode } from './result.js';
import type { BonusGrant } from './bonus/grant.js';

export type { Entry } from './effects.js';

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
}

export interface Refusal {
  readonly command: MoneyCommand;
  readonly code: ErrorCode;
}

export interface Applied {
  readonly outcome: Outcome;
  readonly entries: readonly Entry[];
  readonly events: readonly DomainEvent[];
  readonly refusal: Refusal | null;
  /** The player whose wallet row changed (balance, status or opt-ins), if any. */
  readonly changedPlayer: PlayerState | null;
  readonly changedBonuses: readonly BonusGrant[];
}

export function apply(view: PartitionView, command: Command, context: MachineContext): Applied {
  if (command.kind === 'register') return register(view, command);
  const player = view.player(command.playerId);
  if (player === undefined) return bare(command, refused('PLAYER_NOT_FOUND', `player ${command.playerId} not found`));
  const effects = new Effects(player);
  // Time-based rules run on every touch, before the command itself.
  expireIfDue(player, context.now, effects);
  const outcome = dispatch(view, player, command, context, effects);
  const refusal = !outcome.ok && isMoney(command) ? { command, code: outcome.code } : null;
  return {
    outcome,
    entries: effects.entries,
    events: effects.events,
    refusal,
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
  return { outcome: accepted(player, null, false), entries: [], events: [], refusal: null, changedPlayer: player, changedBonuses: [] };
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

/** A deposit may claim a bonus: by campaign code, or through a deposit-match campaign the player opted into. */
function deposit(player: PlayerState, command: Deposit, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  if (player.wallet.status === 'blocked') return blocked(player);
  const claim = depositClaim(player, command, context);
  if (claim !== null && !claim.ok) return claim;
  const postings = legs(housePosting('world:payments', -command.amount), playerPosting(player.wallet.playerId, 'cash', command.amount));
  effects.post(entry(request, command.amount, 0n, postings));
  const grantId = `deposit-${command.transactionId}`;
  // A grant with this id means the deposit was seen before (a replay the engine has not recognised yet).
  if (claim !== null && findBonus(player, grantId) === undefined) {
    if (claim.optedIn) player.bonusOptIns.splice(player.bonusOptIns.indexOf(claim.campaign.campaignId), 1);
    const amount = bonusFor(claim.campaign, command.amount);
    addGrant(player, { grantId, campaign: claim.campaign, amount, depositAmount: command.amount }, context.now, effects);
  }
  return accepted(player, command.transactionId, false);
}

type Claim = { readonly ok: true; readonly campaign: Campaign; readonly optedIn: boolean } | Refused;

function depositClaim(player: PlayerState, command: Deposit, context: MachineContext): Claim | null {
  if (command.bonusCode !== null) {
    const campaign = context.catalogue.campaignByCode(command.bonusCode);
    if (campaign === undefined) return refused('CAMPAIGN_NOT_FOUND', `no campaign with code ${command.bonusCode}`);
    const unavailable = grantable(player, campaign, context.now) ?? depositQualifies(campaign, command.amount);
    return unavailable ?? { ok: true, campaign, optedIn: false };
  }
  for (const campaignId of player.bonusOptIns) {
    const campaign = context.catalogue.campaign(campaignId);
    if (campaign === undefined) continue;
    if (grantable(player, campaign, context.now) === null && depositQualifies(campaign, command.amount) === null) return { ok: true, campaign, optedIn: true };
  }
  return null;
}

function depositQualifies(campaign: Campaign, amount: bigint): Refused | null {
  if (campaign.type !== 'deposit_match') return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} is not a deposit match`);
  if (amount < campaign.minDeposit) return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} needs a deposit of at least ${campaign.minDeposit}`);
  return null;
}

function grantable(player: PlayerState, campaign: Campaign, now: number): Refused | null {
  if (!isOpen(campaign, now)) return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} is not active now`);
  if (campaign.currency !== player.wallet.currency.code) return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} is in ${campaign.currency}`);
  if (campaign.maxGrantsPerPlayer !== null && grantsOfCampaign(player, campaign.campaignId) >= campaign.maxGrantsPerPlayer) {
    return refused('BONUS_NOT_AVAILABLE', `player ${player.wallet.playerId} already has ${campaign.maxGrantsPerPlayer} grant(s) of campaign ${campaign.campaignId}`);
  }
  return null;
}

/** Withdrawals take cash only, and stay open for blocked players (a closed account is paid out). */
function withdraw(player: PlayerState, command: Withdrawal, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  if (player.wallet.cash < command.amount) return insufficient(player, command.amount, player.wallet.cash);
  const grant = activeBonus(player);
  if (grant !== undefined && grant.campaign.forfeitOnWithdrawal) end(player, grant, 'forfeited', context.now, effects);
  const postings = legs(playerPosting(player.wallet.playerId, 'cash', -command.amount), housePosting('world:payments', command.amount));
  effects.post(entry(request, command.amount, 0n, postings));
  return accepted(player, command.transactionId, false);
}

function bet(player: PlayerState, command: Bet, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  const { wallet } = player;
  if (wallet.status === 'blocked') return blocked(player);
  const grant = activeBonus(player);
  if (grant !== undefined && grant.campaign.maxBet !== null && command.amount > grant.campaign.maxBet) {
    return refused('MAX_BET_EXCEEDED', `stake ${command.amount} is above the maximum bet of ${grant.campaign.maxBet} while bonus ${grant.grantId} is wagered`);
  }
  if (wallet.cash + wallet.bonus < command.amount) return insufficient(player, command.amount, wallet.cash + wallet.bonus);
  const split = splitStake(command.amount, wallet.cash, wallet.bonus, grant?.campaign.fundsOrder ?? context.fundsOrder);
  const postings = legs(
    playerPosting(wallet.playerId, 'cash', -split.fromCash),
    playerPosting(wallet.playerId, 'bonus', -split.fromBonus),
    housePosting('house:games', command.amount),
  );
  const key = roundKey(command.source, command.roundId);
  const contribution = grant === undefined ? 0n : contributionOf(grant.campaign, context.catalogue.gameCategory(command.gameId), command.amount);
  const stake = { transactionId: command.transactionId, amount: command.amount, ...split, bonusGrantId: grant?.grantId ?? null, contribution, rolledBack: false };
  addBet(roundFor(player, key), stake);
  effects.post({ ...entry(request, split.fromCash, split.fromBonus, postings), bonusGrantId: stake.bonusGrantId, contribution });
  // Wagering moves in the same batch as the debit: a conversion can never race a bet.
  wager(player, key, command.amount, split.fromBonus, contribution, context.now, effects);
  return accepted(player, command.transactionId, false);
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
 * A win is paid in proportion to how the round's standing stakes were funded. The share staked
 * from a bonus goes back to the bonus while it is active, to cash if it has converted since,
 * and stays with the house if it expired or was forfeited.
 */
function win(player: PlayerState, command: Win, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  const key = roundKey(command.source, command.roundId);
  const round = knownRound(player, key);
  if (round === undefined || round.bets.length === 0) {
    return refused('ROUND_NOT_FOUND', `round ${command.roundId} has no bet from player ${player.wallet.playerId}`);
  }
  const standing = round.bets.filter((record) => !record.rolledBack);
  if (standing.length === 0) return refused('TRANSACTION_ROLLED_BACK', `every bet of round ${command.roundId} was rolled back`);
  const weights = { cash: 0n, bonus: 0n, house: 0n };
  for (const stake of standing) {
    weights.cash += stake.fromCash;
    weights[bonusReturn(player, stake.bonusGrantId)] += stake.fromBonus;
  }
  const [toCash = 0n, toBonus = 0n] = allocate(command.amount, [weights.cash, weights.bonus, weights.house]);
  const paid = toCash + toBonus;
  const postings = legs(housePosting('house:games', -paid), playerPosting(player.wallet.playerId, 'cash', toCash), playerPosting(player.wallet.playerId, 'bonus', toBonus));
  round.settled = true;
  effects.post(entry(request, toCash, toBonus, postings));
  roundSettled(player, key, context.now, effects);
  return accepted(player, command.transactionId, false);
}

function rollback(view: PartitionView, player: PlayerState, command: Rollback, request: TransactionRecord, context: MachineContext, effects: Effects): Outcome {
  const reference = view.transaction(player, command.source, command.referenceTransactionId);
  if (reference === undefined) return rollbackUnknown(player, command, request, effects);
  if (reference.kind === 'tombstone') {
    if (command.unknownBet === 'error') return betNotFound(command);
    effects.post(entry(request, 0n, 0n, []));
    return accepted(player, command.transactionId, false);
  }
  if (reference.kind !== 'bet' || reference.playerId !== player.wallet.playerId || reference.roundId !== command.roundId) {
    return refused('BET_NOT_FOUND', `${command.referenceTransactionId} is not a bet of player ${player.wallet.playerId} in round ${command.roundId}`);
  }
  const key = roundKey(command.source, command.roundId);
  const round = knownRound(player, key);
  const stake = round === undefined ? undefined : betOf(round, command.referenceTransactionId);
  assert(round !== undefined && stake !== undefined, 'a known bet has a loaded round');
  // A bet already reversed by another rollback id is not reversed twice.
  if (stake.rolledBack) {
    effects.post(entry(request, 0n, 0n, []));
    return accepted(player, command.transactionId, false);
  }
  if (round.settled) return refused('ALREADY_SETTLED', `round ${command.roundId} is already paid`);
  // The stake goes back where it came from; its bonus part follows the same rule as a win's share.
  const destination = bonusReturn(player, stake.bonusGrantId);
  const toCash = stake.fromCash + (destination === 'cash' ? stake.fromBonus : 0n);
  const toBonus = destination === 'bonus' ? stake.fromBonus : 0n;
  const postings = legs(
    housePosting('house:games', -(toCash + toBonus)),
    playerPosting(player.wallet.playerId, 'cash', toCash),
    playerPosting(player.wallet.playerId, 'bonus', toBonus),
  );
  stake.rolledBack = true;
  effects.post(entry(request, toCash, toBonus, postings));
  const stillFunded = round.bets.some((other) => !other.rolledBack && other.fromBonus > 0n && other.bonusGrantId === stake.bonusGrantId);
  unwager(player, key, stake, stillFunded, context.now, effects);
  return accepted(player, command.transactionId, false);
}

/** The bet never arrived: its id is tombstoned so that it is refused if it comes late. */
function rollbackUnknown(player: PlayerState, command: Rollback, request: TransactionRecord, effects: Effects): Outcome {
  const tombstone: TransactionRecord = {
    ...request,
    transactionId: command.referenceTransactionId,
    kind: 'tombstone',
    referenceTransactionId: command.transactionId,
  };
  addBet(roundFor(player, roundKey(command.source, command.roundId)), tombstoneStake(command.referenceTransactionId));
  effects.post(entry(tombstone, 0n, 0n, []));
  if (command.unknownBet === 'error') return betNotFound(command);
  effects.post(entry(request, 0n, 0n, []));
  return accepted(player, command.transactionId, false);
}

function grantBonus(player: PlayerState, command: GrantBonus, context: MachineContext, effects: Effects): Outcome {
  const existing = findBonus(player, command.grantId);
  if (existing !== undefined) {
    const same = existing.campaign.campaignId === command.campaignId && (command.amount === null || command.amount === existing.amount);
    return same ? accepted(player, null, true) : refused('DUPLICATE_TRANSACTION', `grant ${command.grantId} exists with other parameters`);
  }
  const campaign = context.catalogue.campaign(command.campaignId);
  if (campaign === undefined) return refused('CAMPAIGN_NOT_FOUND', `no campaign ${command.campaignId}`);
  const unavailable = grantable(player, campaign, context.now);
  if (unavailable !== null) return unavailable;
  if (campaign.type === 'deposit_match') return refused('BONUS_NOT_AVAILABLE', `deposit-match campaign ${campaign.campaignId} is claimed with a deposit`);
  if (campaign.type === 'free_spins_winnings' && command.amount === null) return refused('VALIDATION_ERROR', 'free-spins winnings need an amount');
  const amount = campaign.type === 'fixed' ? campaign.fixedAmount : (command.amount ?? 0n);
  if (amount <= 0n) return refused('VALIDATION_ERROR', `campaign ${campaign.campaignId} grants nothing`);
  addGrant(player, { grantId: command.grantId, campaign, amount, depositAmount: 0n }, context.now, effects);
  return accepted(player, null, false);
}

function cancelBonus(player: PlayerState, command: CancelBonus, context: MachineContext, effects: Effects): Outcome {
  const grant = findBonus(player, command.grantId);
  if (grant === undefined) return refused('BONUS_NOT_FOUND', `player ${player.wallet.playerId} has no bonus ${command.grantId}`);
  if (grant.state === 'cancelled') return accepted(player, null, true);
  if (grant.state !== 'queued' && grant.state !== 'active') return refused('BONUS_NOT_AVAILABLE', `bonus ${command.grantId} already ended (${grant.state})`);
  end(player, grant, 'cancelled', context.now, effects);
  return accepted(player, null, false);
}

function optIn(player: PlayerState, command: OptIn, context: MachineContext, effects: Effects): Outcome {
  const campaign = context.catalogue.campaign(command.campaignId);
  if (campaign === undefined) return refused('CAMPAIGN_NOT_FOUND', `no campaign ${command.campaignId}`);
  if (campaign.type !== 'deposit_match') return refused('BONUS_NOT_AVAILABLE', `campaign ${campaign.campaignId} is not a deposit match`);
  const unavailable = grantable(player, campaign, context.now);
  if (unavailable !== null) return unavailable;
  if (player.bonusOptIns.includes(campaign.campaignId)) return accepted(player, null, true);
  player.bonusOptIns.push(campaign.campaignId);
  effects.walletChanged = true;
  effects.emit('bonus.opted_in', { campaignId: campaign.campaignId });
  return accepted(player, null, false);
}

function betNotFound(command: Rollback): Refused {
  return refused('BET_NOT_FOUND', `bet ${command.referenceTransactionId} not found`);
}

function knownRound(player: PlayerState, key: string): Round | undefined {
  const round = player.rounds.get(key);
  assert(round === undefined ? player.historyComplete : round.complete, 'a round read by a win or rollback is loaded');
  return round;
}

function roundFor(player: PlayerState, key: string): Round {
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
  return { record, cashAmount, bonusAmount, postings, bonusGrantId: null, contribution: 0n };
}

function blocked(player: PlayerState): Refused {
  return refused('PLAYER_BLOCKED', `player ${player.wallet.playerId} is blocked`);
}

function insufficient(player: PlayerState, needed: bigint, available: bigint): Refused {
  return refused('INSUFFICIENT_FUNDS', `player ${player.wallet.playerId} has ${available}, needs ${needed}`);
}

function accepted(player: PlayerState, transactionId: string | null, duplicate: boolean): Accepted {
  const { wallet } = player;
  return {
    ok: true,
    playerId: wallet.playerId,
    currency: wallet.currency.code,
    transactionId,
    duplicate,
    balance: { cash: wallet.cash, bonus: wallet.bonus },
    status: wallet.status,
    activeBonus: summary(activeBonus(player)),
  };
}

function summary(grant: BonusGrant | undefined): ActiveBonus | null {
  if (grant === undefined) return null;
  return { grantId: grant.grantId, campaignId: grant.campaign.campaignId, progress: grant.progress, required: grant.required, percent: progressPercent(grant), expiresAt: grant.expiresAt };
}

function bare(command: Command, outcome: Outcome): Applied {
  const refusal = !outcome.ok && isMoney(command) ? { command, code: outcome.code } : null;
  return { outcome, entries: [], events: [], refusal, changedPlayer: null, changedBonuses: [] };
}

function isMoney(command: Command): command is MoneyCommand {
  return 'transactionId' in command;
}
