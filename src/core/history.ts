import { emptyRound, tombstoneStake, type BetRecord, type Round, type TransactionKind } from './player.js';

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
        round.bets.set(transaction.transactionId, stakeOf(transaction));
        break;
      case 'rollback': {
        const stake = transaction.referenceTransactionId === null ? undefined : round.bets.get(transaction.referenceTransactionId);
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

/**
 * Whether a round keeps a grant's bonus alive: replays the round in ledger order the way the
 * wallet machine moves the grant's open rounds (a bet staked partly from the bonus opens it, a
 * win closes it, a rollback closes it when no other standing bonus-funded stake of the grant is
 * left). The store keeps no copy of the set; it is rebuilt from the rounds when a player loads.
 */
export function roundOpenForGrant(transactions: readonly RoundTransaction[], grantId: string): boolean {
  const round = emptyRound(true);
  let open = false;
  for (const transaction of transactions) {
    switch (transaction.kind) {
      case 'bet':
      case 'tombstone': {
        const stake = stakeOf(transaction);
        round.bets.set(transaction.transactionId, stake);
        if (stake.fromBonus > 0n && stake.bonusGrantId === grantId) open = true;
        break;
      }
      case 'rollback': {
        const stake = transaction.referenceTransactionId === null ? undefined : round.bets.get(transaction.referenceTransactionId);
        if (stake === undefined || stake.rolledBack) break;
        stake.rolledBack = true;
        if (stake.bonusGrantId !== grantId) break;
        const stillFunded = [...round.bets.values()].some((other) => !other.rolledBack && other.fromBonus > 0n && other.bonusGrantId === grantId);
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
  return open;
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
