import type { MoneyCommand } from '../commands.js';
import type { Entry } from '../entry.js';
import type { Posting } from '../ledger.js';
import type { PlayerState, TransactionRecord } from '../player.js';

/** The record a money command would leave: what a replay of its id is compared against. */
export function requestRecord(player: PlayerState, command: MoneyCommand): TransactionRecord {
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

export function entry(record: TransactionRecord, cashAmount: bigint, bonusAmount: bigint, postings: Posting[]): Entry {
  return { record, cashAmount, bonusAmount, postings, bonusGrantId: null, contribution: 0n };
}
