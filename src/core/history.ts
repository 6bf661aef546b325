import { betOf, emptyRound, putBet, tombstoneStake, type BetRecord, type Round, type TransactionKind } from './player.js';

export interface RoundTransaction {
  readonly kind: TransactionKind;
  readonly transactionId: string;
  readonly amount: bigint;
  readonly cashAmount: bigint;
  readonly bonusAmount: bigint;
  readonly referenceTransactionId: string | null;
  readonly bonusGrantId: string | null;
  readonly contribution: bigint;
}

/** Rebuilds a round from its stored transactions, in ledger order. */
export function replayRound(transactions: readonly RoundTransaction[]): Round {
  const round = emptyRound(true);
  for (const transaction of transactions) {
    switch (transaction.kind) {
      case 'bet':
      case 'tombstone':
        putBet(round, stakeOf(transaction));
        break;
      case 'rollback': {
        const stake = transaction.referenceTransactionId === null ? undefined : betOf(round, transaction.referenceTransactionId);
        if (stake !== undefined) stake.rolledBack = true;
        break;
      }
      case 'win':
        round.settled = true;
        break;
      default:
        break;
    }
  }
  return round;
}

/** What one round holds for a grant: whether it keeps the grant open, and what it adds to its wagering. */
export interface RoundWagering {
  readonly open: boolean;
  readonly contribution: bigint;
}

/**
 * Replays a round in ledger order the way the wallet machine moves an active grant: a bet staked
 * partly from the grant's bonus opens the round, a win closes it, a rollback closes it when no
 * other standing bonus-funded stake of the grant is left; the grant's wagering holds the
 * contributions of its bets that stand. The store keeps neither (every bet would rewrite the
 * grant's row); both are rebuilt from the rounds when a player loads.
 */
export function roundWagering(transactions: readonly RoundTransaction[], grantId: string): RoundWagering {
  const round = emptyRound(true);
  let open = false;
  for (const transaction of transactions) {
    switch (transaction.kind) {
      case 'bet':
      case 'tombstone': {
        const stake = stakeOf(transaction);
        putBet(round, stake);
        if (stake.fromBonus > 0n && stake.bonusGrantId === grantId) open = true;
        break;
      }
      case 'rollback': {
        const stake = transaction.referenceTransactionId === null ? undefined : betOf(round, transaction.referenceTransactionId);
        if (stake === undefined || stake.rolledBack) break;
        stake.rolledBack = true;
        if (stake.bonusGrantId !== grantId) break;
        const stillFunded = round.bets.some((other) => !other.rolledBack && other.fromBonus > 0n && other.bonusGrantId === grantId);
        if (!stillFunded) open = false;
        break;
      }
      case 'win':
        open = false;
        break;
      default:
        break;
    }
  }
  let contribution = 0n;
  for (const stake of round.bets) if (!stake.rolledBack && stake.bonusGrantId === grantId) contribution += stake.contribution;
  return { open, contribution };
}

/** The stake a stored bet (or a tombstone: a rollback that came before its bet) stands for. */
function stakeOf(transaction: RoundTransaction): BetRecord {
  if (transaction.kind === 'tombstone') return tombstoneStake(transaction.transactionId);
  return {
    transactionId: transaction.transactionId,
    amount: transaction.amount,
    fromCash: transaction.cashAmount,
    fromBonus: transaction.bonusAmount,
    bonusGrantId: transaction.bonusGrantId,
    contribution: transaction.contribution,
    rolledBack: false,
  };
}
