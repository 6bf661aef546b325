import type { Effects } from '../effects.js';
import { housePosting, legs, playerPosting, type Posting } from '../ledger.js';
import { bonusSource, type BetRecord, type PlayerState, type TransactionKind } from '../player.js';
import { assert } from '../result.js';
import { conversionCap, wageringRequirement, type Campaign } from './campaign.js';
import { canMove, type BonusGrant, type BonusState } from './grant.js';

/**
 * The bonus lifecycle of one player. Every transition is forward-only, moves money only through
 * ledger entries and emits an event; they all run inside the player's partition, in the same
 * batch as the command that caused them.
 */

export function activeBonus(player: PlayerState): BonusGrant | undefined {
  return player.bonuses.find((grant) => grant.state === 'active');
}

export function findBonus(player: PlayerState, grantId: string): BonusGrant | undefined {
  return player.bonuses.find((grant) => grant.grantId === grantId);
}

export function grantsOfCampaign(player: PlayerState, campaignId: string): number {
  return player.bonuses.filter((grant) => grant.campaign.campaignId === campaignId).length;
}

export interface NewGrant {
  readonly grantId: string;
  readonly campaign: Campaign;
  readonly amount: bigint;
  readonly depositAmount: bigint;
}

/** A grant as it is queued: nothing wagered, converted or forfeited yet. The store tests build theirs here too. */
export function newGrant(playerId: string, position: number, request: NewGrant, now: number): BonusGrant {
  return {
    grantId: request.grantId,
    playerId,
    position,
    campaign: request.campaign,
    amount: request.amount,
    depositAmount: request.depositAmount,
    required: wageringRequirement(request.campaign, request.amount, request.depositAmount),
    grantedAt: now,
    state: 'queued',
    progress: 0n,
    activatedAt: null,
    expiresAt: null,
    endedAt: null,
    convertedAmount: 0n,
    forfeitedAmount: 0n,
    openRounds: new Set(),
  };
}

/** Queues a grant; it activates at once when the player has no active bonus. */
export function addGrant(player: PlayerState, request: NewGrant, now: number, effects: Effects): BonusGrant {
  const grant = newGrant(player.wallet.playerId, player.bonuses.length, request, now);
  player.bonuses.push(grant);
  effects.changed(grant);
  effects.emit({ type: 'bonus.granted', playerId: grant.playerId, grantId: grant.grantId, campaignId: grant.campaign.campaignId, amount: grant.amount, required: grant.required });
  activateNext(player, now, effects);
  return grant;
}

/**
 * With no active bonus, the oldest queued one becomes active and its amount is credited. One
 * whose credit would take the balance above its maximum (money arrived since it was granted) is
 * cancelled instead, and the next one tried: a bonus never carries a balance past the limit.
 */
function activateNext(player: PlayerState, now: number, effects: Effects): void {
  if (activeBonus(player) !== undefined) return;
  const next = player.bonuses.find((grant) => grant.state === 'queued');
  if (next === undefined) return;
  if (player.wallet.cash + player.wallet.bonus + next.amount > effects.balanceMax) {
    end(player, next, 'cancelled', now, effects);
    activateNext(player, now, effects);
    return;
  }
  move(next, 'active', effects);
  next.activatedAt = now;
  next.expiresAt = now + next.campaign.validityMs;
  const { playerId } = player.wallet;
  post(player, next, 'bonus_credit', 'credit', next.amount, 0n, next.amount, [housePosting('house:bonus', -next.amount), playerPosting(playerId, 'bonus', next.amount)], effects);
  effects.emit({ type: 'bonus.activated', playerId, grantId: next.grantId, amount: next.amount, required: next.required, expiresAt: next.expiresAt });
  if (next.progress >= next.required) convert(player, next, now, effects);
}

/** Checked whenever the player is touched, and by the sweeper: an expired bonus is forfeited. */
export function expireIfDue(player: PlayerState, now: number, effects: Effects): void {
  const grant = activeBonus(player);
  if (grant === undefined || grant.expiresAt === null || grant.expiresAt > now) return;
  end(player, grant, 'expired', now, effects);
}

/**
 * Ends a bonus without conversion: whatever bonus money is left goes to the house. A queued
 * bonus holds no money and is simply cancelled.
 */
export function end(player: PlayerState, grant: BonusGrant, state: 'expired' | 'forfeited' | 'depleted' | 'cancelled', now: number, effects: Effects): void {
  const wasActive = grant.state === 'active';
  move(grant, state, effects);
  grant.endedAt = now;
  if (wasActive) {
    const left = player.wallet.bonus;
    grant.forfeitedAmount = left;
    if (left > 0n) {
      const { playerId } = player.wallet;
      post(player, grant, 'bonus_forfeit', state, left, 0n, left, [playerPosting(playerId, 'bonus', -left), housePosting('house:bonus', left)], effects);
    }
  }
  effects.emit({ type: `bonus.${state}`, playerId: grant.playerId, grantId: grant.grantId, forfeited: grant.forfeitedAmount });
  if (wasActive) activateNext(player, now, effects);
}

/** Wagering done: min(bonus balance, max conversion) becomes cash, the rest goes to the house. */
function convert(player: PlayerState, grant: BonusGrant, now: number, effects: Effects): void {
  const balance = player.wallet.bonus;
  const cap = conversionCap(grant.campaign, grant.amount);
  const converted = cap !== null && cap < balance ? cap : balance;
  const forfeited = balance - converted;
  move(grant, 'completed', effects);
  grant.endedAt = now;
  grant.convertedAmount = converted;
  grant.forfeitedAmount = forfeited;
  const { playerId } = player.wallet;
  const postings = [playerPosting(playerId, 'bonus', -balance), playerPosting(playerId, 'cash', converted), housePosting('house:bonus', forfeited)];
  if (balance > 0n) post(player, grant, 'bonus_conversion', 'conversion', balance, converted, balance, postings, effects);
  effects.emit({ type: 'bonus.converted', playerId, grantId: grant.grantId, converted, forfeited });
  activateNext(player, now, effects);
}

/** A bet counts towards the active bonus; returns the grant it counted for and by how much. */
export function wager(player: PlayerState, roundKey: string, amount: bigint, fromBonus: bigint, contribution: bigint, now: number, effects: Effects): { grantId: string | null; contribution: bigint } {
  const grant = activeBonus(player);
  if (grant === undefined) return { grantId: null, contribution: 0n };
  if (fromBonus > 0n) grant.openRounds.add(roundKey);
  grant.progress += contribution;
  effects.changed(grant);
  if (contribution > 0n) emitProgress(grant, effects);
  if (grant.progress >= grant.required) convert(player, grant, now, effects);
  else depleteIfEmpty(player, now, effects);
  return { grantId: grant.grantId, contribution };
}

/** A rolled-back bet no longer counts, while its bonus is still being wagered. */
export function unwager(player: PlayerState, roundKey: string, stake: BetRecord, roundStillFunded: boolean, now: number, effects: Effects): void {
  const grant = stake.bonusGrantId === null ? undefined : findBonus(player, stake.bonusGrantId);
  if (grant === undefined || grant.state !== 'active') return;
  grant.progress = grant.progress > stake.contribution ? grant.progress - stake.contribution : 0n;
  if (!roundStillFunded) grant.openRounds.delete(roundKey);
  effects.changed(grant);
  if (stake.contribution > 0n) emitProgress(grant, effects);
  depleteIfEmpty(player, now, effects);
}

/** A settled round can no longer pay into any bonus. */
export function roundSettled(player: PlayerState, roundKey: string, now: number, effects: Effects): void {
  for (const grant of player.bonuses) {
    if (grant.openRounds.delete(roundKey)) effects.changed(grant);
  }
  depleteIfEmpty(player, now, effects);
}

/** No bonus money left and no open bonus-funded round that could refill it: the bonus is depleted. */
function depleteIfEmpty(player: PlayerState, now: number, effects: Effects): void {
  const grant = activeBonus(player);
  if (grant === undefined || player.wallet.bonus > 0n || grant.openRounds.size > 0) return;
  end(player, grant, 'depleted', now, effects);
}

/** Where money that came from a bonus goes back to (a win share or a returned stake). */
export type BonusReturn = 'bonus' | 'cash' | 'house';

/** While its bonus is active: back to bonus. Converted since: to cash. Otherwise: the house keeps it. */
export function bonusReturn(player: PlayerState, grantId: string | null): BonusReturn {
  const grant = grantId === null ? undefined : findBonus(player, grantId);
  if (grant === undefined) return 'house';
  if (grant.state === 'active') return 'bonus';
  return grant.state === 'completed' ? 'cash' : 'house';
}

function emitProgress(grant: BonusGrant, effects: Effects): void {
  effects.emit({ type: 'wagering.progressed', playerId: grant.playerId, grantId: grant.grantId, progress: grant.progress, required: grant.required });
}

function move(grant: BonusGrant, to: BonusState, effects: Effects): void {
  assert(canMove(grant.state, to), `bonus ${grant.grantId} cannot move from ${grant.state} to ${to}`);
  grant.state = to;
  effects.changed(grant);
}

/** Bonus ledger ids derive from the player and grant ('/' never appears in an id), so they are unique and replay-safe. */
function bonusTransactionId(playerId: string, grantId: string, step: string): string {
  return `${playerId}/${grantId}/${step}`;
}

function post(player: PlayerState, grant: BonusGrant, kind: TransactionKind, step: string, amount: bigint, cashAmount: bigint, bonusAmount: bigint, postings: Posting[], effects: Effects): void {
  const { wallet } = player;
  effects.post({
    record: {
      source: bonusSource,
      transactionId: bonusTransactionId(wallet.playerId, grant.grantId, step),
      playerId: wallet.playerId,
      kind,
      amount,
      currency: wallet.currency.code,
      roundId: null,
      gameId: null,
      referenceTransactionId: null,
    },
    cashAmount,
    bonusAmount,
    postings: legs(...postings),
    bonusGrantId: grant.grantId,
    contribution: 0n,
  });
}
