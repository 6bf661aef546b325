import { emptyRound, tombstoneStake, type Round, type TransactionKind } from './player.js';

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
        round.bets.set(transaction.transactionId, {
          transactionId: transaction.transactionId,
          amount: transaction.amount,
          fromCash: transaction.cashAmount,
          fromBonus: transaction.bonusAmount,
          bonusGrantId: transaction.bonusGrantId,
          contribution: transaction.contribution,
          rolledBack: false,
        });
        break;
      case 'tombstone':
        round.bets.set(transaction.transactionId, tombstoneStake(transaction.transactionId));
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
