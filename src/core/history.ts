import { addBet, emptyRound, tombstoneStake, type BetRecord, type Round, type TransactionKind } from './player.js';

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
  const stakes = new StakeIndex();
  for (const transaction of transactions) {
    switch (transaction.kind) {
      case 'bet':
      case 'tombstone':
        stakes.add(round, stakeOf(transaction));
        break;
      case 'rollback': {
        const stake = stakes.find(transaction.referenceTransactionId);
        if (stake !== undefined) stake.rolledBack = true;
        break;
      }
      case 'win':
        round.settled = true;
        round.paid += transaction.amount;
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
  const stakes = new StakeIndex();
  let open = false;
  for (const transaction of transactions) {
    switch (transaction.kind) {
      case 'bet':
      case 'tombstone': {
        const stake = stakeOf(transaction);
        stakes.add(round, stake);
        if (stake.fromBonus > 0n && stake.bonusGrantId === grantId) open = true;
        break;
      }
      case 'rollback': {
        const stake = stakes.find(transaction.referenceTransactionId);
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

/**
 * The stakes of a round being replayed, by id: a rollback finds its bet without scanning the
 * round, so a replay stays linear however many stakes a round holds.
 */
class StakeIndex {
  private readonly byId = new Map<string, BetRecord>();

  add(round: Round, stake: BetRecord): void {
    addBet(round, stake);
    this.byId.set(stake.transactionId, stake);
  }

  find(transactionId: string | null): BetRecord | undefined {
    return transactionId === null ? undefined : this.byId.get(transactionId);
  }
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
