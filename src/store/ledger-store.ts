import type { HouseAccount } from '../core/ledger.js';
import type { Entry, Refusal } from '../core/wallet-machine.js';
import { integerArray, textArray } from './array-literal.js';
import type { PlayerStatus, TransactionKind, TransactionRecord } from '../core/player.js';
import type { SqlClient } from './sql-client.js';

export interface StoredWallet {
  readonly playerId: string;
  readonly currency: string;
  readonly status: PlayerStatus;
  readonly cash: bigint;
  readonly bonus: bigint;
  readonly version: bigint;
}

export interface StoredTransaction extends TransactionRecord {
  readonly ledgerId: bigint;
  /** How much the transaction moved from or to cash and bonus (the size of those legs). */
  readonly cashAmount: bigint;
  readonly bonusAmount: bigint;
}

export interface PartitionLease {
  readonly partition: number;
  readonly epoch: bigint;
  readonly nextLedgerSeq: bigint;
}

export interface RoundLookup {
  readonly playerId: string;
  readonly source: string;
  readonly roundId: string;
}

export interface TransactionLookup {
  readonly source: string;
  readonly transactionId: string;
}

export interface WalletWrite {
  readonly playerId: string;
  readonly currency: string;
  readonly status: PlayerStatus;
  readonly cash: bigint;
  readonly bonus: bigint;
  /** The version read from the store; null for a player created in this batch. */
  readonly versionRead: bigint | null;
}

export interface LedgerEntry {
  readonly ledgerId: bigint;
  readonly entry: Entry;
}

export interface Batch {
  readonly lease: PartitionLease;
  readonly nextLedgerSeq: bigint;
  readonly wallets: readonly WalletWrite[];
  readonly entries: readonly LedgerEntry[];
  readonly refusals: readonly Refusal[];
  readonly committedAt: Date;
}

/** Raised when the store refuses a batch because this writer no longer owns the partition. */
export class FencedError extends Error {
  constructor(readonly partition: number) {
    super(`partition ${partition} is owned by another writer`);
  }
}

const ledgerSeqBits = 40n;

export function ledgerId(partition: number, sequence: bigint): bigint {
  return (BigInt(partition) << ledgerSeqBits) | sequence;
}

/** The store's SQL, set-based: one statement per lookup kind, one statement per batch commit. */
export class LedgerStore {
  constructor(readonly client: SqlClient) {}

  /** Records the partition count on first start and refuses to run with another one. */
  async checkPartitionCount(partitionCount: number): Promise<void> {
    await this.client.query(
      `INSERT INTO croupier_settings (name, value) VALUES ('partition_count', $1) ON CONFLICT (name) DO NOTHING`,
      [String(partitionCount)],
    );
    const rows = await this.client.query<{ value: string }>(`SELECT value FROM croupier_settings WHERE name = 'partition_count'`);
    const stored = Number(rows[0]?.value);
    if (stored !== partitionCount) {
      throw new Error(`the store was created with ${stored} partitions; this node is configured with ${partitionCount}`);
    }
  }

  /** Takes the partitions for this node, raising each epoch so that any previous writer is fenced out. */
  async acquirePartitions(partitions: readonly number[], owner: string): Promise<PartitionLease[]> {
    const rows = await this.client.query<{ partition: number; epoch: string; next_ledger_seq: string }>(
      `INSERT INTO partitions (partition, epoch, owner)
       SELECT p, 1, $2 FROM unnest($1::int[]) AS p
       ON CONFLICT (partition) DO UPDATE SET epoch = partitions.epoch + 1, owner = EXCLUDED.owner, updated_at = now()
       RETURNING partition, epoch::text, next_ledger_seq::text`,
      [partitions, owner],
    );
    return rows
      .map((row) => ({ partition: Number(row.partition), epoch: BigInt(row.epoch), nextLedgerSeq: BigInt(row.next_ledger_seq) }))
      .sort((left, right) => left.partition - right.partition);
  }

  /** Reads a partition's lease as the store has it, to resynchronise after a commit of unknown outcome. */
  async readPartition(partition: number): Promise<PartitionLease> {
    const rows = await this.client.query<{ epoch: string; next_ledger_seq: string }>(
      `SELECT epoch::text, next_ledger_seq::text FROM partitions WHERE partition = $1`,
      [partition],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`invariant violated: partition ${partition} has a row`);
    return { partition, epoch: BigInt(row.epoch), nextLedgerSeq: BigInt(row.next_ledger_seq) };
  }

  async loadWallets(playerIds: readonly string[]): Promise<StoredWallet[]> {
    const rows = await this.client.query<WalletRow>(
      `SELECT player_id, currency, status, cash::text, bonus::text, version::text FROM players WHERE player_id = ANY($1::text[])`,
      [playerIds],
      'croupier_load_wallets',
    );
    return rows.map(toWallet);
  }

  /** Every transaction of the given rounds, plus the transactions with the given ids. */
  async loadTransactions(rounds: readonly RoundLookup[], ids: readonly TransactionLookup[]): Promise<StoredTransaction[]> {
    const rows = await this.client.query<TransactionRow>(
      `SELECT ${transactionColumns} FROM transactions t
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS r(player_id, source, round_id)
           ON t.player_id = r.player_id AND t.source = r.source AND t.round_id = r.round_id
       UNION
       SELECT ${transactionColumns} FROM transactions t
         JOIN unnest($4::text[], $5::text[]) AS k(source, transaction_id)
           ON t.source = k.source AND t.transaction_id = k.transaction_id`,
      [
        rounds.map((round) => round.playerId),
        rounds.map((round) => round.source),
        rounds.map((round) => round.roundId),
        ids.map((id) => id.source),
        ids.map((id) => id.transactionId),
      ],
      'croupier_load_transactions',
    );
    return rows.map(toTransaction).sort((left, right) => (left.ledgerId < right.ledgerId ? -1 : 1));
  }

  /**
   * Commits a partition's batch in one statement, so it needs no explicit transaction: either
   * all of it lands or none. The statement fails when the partition's epoch moved (fencing) or
   * a wallet row's version is not the one read (a lost update).
   */
  async commit(batch: Batch): Promise<void> {
    try {
      await this.client.query(commitStatement, commitParameters(batch), 'croupier_commit_batch');
    } catch (error) {
      if (error instanceof Error && error.message.includes('CROUPIER_FENCED')) throw new FencedError(batch.lease.partition);
      throw error;
    }
  }
}

/** True when the store refused a batch because a transaction id was taken meanwhile. */
export function isTransactionIdConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '23505' && typeof message === 'string' && message.includes('transactions_source_id');
}

const transactionColumns = `t.ledger_id::text, t.source, t.transaction_id, t.player_id, t.kind, t.amount::text,
  t.cash_delta::text, t.bonus_delta::text, t.currency, t.round_id, t.game_id, t.reference_transaction_id`;

const commitStatement = `
WITH fence AS (
  UPDATE partitions SET next_ledger_seq = $3, batches = batches + 1, updated_at = $4
  WHERE partition = $1 AND epoch = $2
  RETURNING 1
), created_players AS (
  INSERT INTO players (player_id, currency, status, cash, bonus, version, created_at)
  SELECT n.player_id, n.currency, n.status, n.cash, n.bonus, 1, $4
  FROM unnest($5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[]) AS n(player_id, currency, status, cash, bonus)
  RETURNING 1
), updated_players AS (
  UPDATE players SET status = u.status, cash = u.cash, bonus = u.bonus, version = players.version + 1
  FROM unnest($10::text[], $11::text[], $12::numeric[], $13::numeric[], $14::bigint[]) AS u(player_id, status, cash, bonus, version)
  WHERE players.player_id = u.player_id AND players.version = u.version
  RETURNING 1
), created_transactions AS (
  INSERT INTO transactions (ledger_id, source, transaction_id, player_id, kind, amount, currency, round_id, game_id,
                            reference_transaction_id, cash_delta, bonus_delta, counter_account, counter_delta, created_at)
  SELECT t.*, $4 FROM unnest($15::bigint[], $16::text[], $17::text[], $18::text[], $19::text[], $20::numeric[], $21::text[],
                             $22::text[], $23::text[], $24::text[], $25::numeric[], $26::numeric[], $27::text[], $28::numeric[]) AS t
  RETURNING 1
), created_refusals AS (
  INSERT INTO refusals (source, transaction_id, player_id, kind, code, created_at)
  SELECT r.*, $4 FROM unnest($29::text[], $30::text[], $31::text[], $32::text[], $33::text[]) AS r
  RETURNING 1
)
SELECT croupier_assert((SELECT count(*) FROM fence) = 1, 'CROUPIER_FENCED')
   AND croupier_assert((SELECT count(*) FROM updated_players) = cardinality($10::text[]), 'CROUPIER_STALE_WALLET') AS committed`;

interface Legs {
  readonly cashDelta: bigint;
  readonly bonusDelta: bigint;
  readonly counterAccount: HouseAccount | null;
  readonly counterDelta: bigint;
}

/** Folds an entry's postings into the row's three legs: the player's cash and bonus, and one counter account. */
export function legsOf(entry: Entry): Legs {
  let cashDelta = 0n;
  let bonusDelta = 0n;
  let counterAccount: HouseAccount | null = null;
  let counterDelta = 0n;
  for (const posting of entry.postings) {
    if (posting.account === 'cash' || posting.account === 'bonus') {
      if (posting.playerId !== entry.record.playerId) throw new Error('invariant violated: an entry posts only to its own player');
      if (posting.account === 'cash') cashDelta += posting.amount;
      else bonusDelta += posting.amount;
      continue;
    }
    if (counterAccount !== null && counterAccount !== posting.account) throw new Error('invariant violated: an entry has one counter account');
    counterAccount = posting.account;
    counterDelta += posting.amount;
  }
  return { cashDelta, bonusDelta, counterAccount, counterDelta };
}

function commitParameters(batch: Batch): unknown[] {
  const created = batch.wallets.filter((wallet) => wallet.versionRead === null);
  const updated = batch.wallets.filter((wallet) => wallet.versionRead !== null);
  const records = batch.entries.map(({ entry }) => entry.record);
  const legs = batch.entries.map(({ entry }) => legsOf(entry));
  return [
    batch.lease.partition,
    String(batch.lease.epoch),
    String(batch.nextLedgerSeq),
    batch.committedAt.toISOString(),
    textArray(created.map((wallet) => wallet.playerId)),
    textArray(created.map((wallet) => wallet.currency)),
    textArray(created.map((wallet) => wallet.status)),
    integerArray(created.map((wallet) => wallet.cash)),
    integerArray(created.map((wallet) => wallet.bonus)),
    textArray(updated.map((wallet) => wallet.playerId)),
    textArray(updated.map((wallet) => wallet.status)),
    integerArray(updated.map((wallet) => wallet.cash)),
    integerArray(updated.map((wallet) => wallet.bonus)),
    integerArray(updated.map((wallet) => wallet.versionRead ?? 0n)),
    integerArray(batch.entries.map(({ ledgerId: id }) => id)),
    textArray(records.map((record) => record.source)),
    textArray(records.map((record) => record.transactionId)),
    textArray(records.map((record) => record.playerId)),
    textArray(records.map((record) => record.kind)),
    integerArray(records.map((record) => record.amount)),
    textArray(records.map((record) => record.currency)),
    textArray(records.map((record) => record.roundId)),
    textArray(records.map((record) => record.gameId)),
    textArray(records.map((record) => record.referenceTransactionId)),
    integerArray(legs.map((leg) => leg.cashDelta)),
    integerArray(legs.map((leg) => leg.bonusDelta)),
    textArray(legs.map((leg) => leg.counterAccount)),
    integerArray(legs.map((leg) => leg.counterDelta)),
    textArray(batch.refusals.map((refusal) => refusal.command.source)),
    textArray(batch.refusals.map((refusal) => refusal.command.transactionId)),
    textArray(batch.refusals.map((refusal) => refusal.command.playerId)),
    textArray(batch.refusals.map((refusal) => refusal.command.kind)),
    textArray(batch.refusals.map((refusal) => refusal.code)),
  ];
}

interface WalletRow {
  player_id: string;
  currency: string;
  status: PlayerStatus;
  cash: string;
  bonus: string;
  version: string;
}

function toWallet(row: WalletRow): StoredWallet {
  return {
    playerId: row.player_id,
    currency: row.currency,
    status: row.status,
    cash: BigInt(row.cash),
    bonus: BigInt(row.bonus),
    version: BigInt(row.version),
  };
}

interface TransactionRow {
  ledger_id: string;
  source: string;
  transaction_id: string;
  player_id: string;
  kind: TransactionKind;
  amount: string;
  cash_delta: string;
  bonus_delta: string;
  currency: string;
  round_id: string | null;
  game_id: string | null;
  reference_transaction_id: string | null;
}

function toTransaction(row: TransactionRow): StoredTransaction {
  return {
    ledgerId: BigInt(row.ledger_id),
    source: row.source,
    transactionId: row.transaction_id,
    playerId: row.player_id,
    kind: row.kind,
    amount: BigInt(row.amount),
    cashAmount: magnitude(BigInt(row.cash_delta)),
    bonusAmount: magnitude(BigInt(row.bonus_delta)),
    currency: row.currency,
    roundId: row.round_id,
    gameId: row.game_id,
    referenceTransactionId: row.reference_transaction_id,
  };
}

function magnitude(value: bigint): bigint {
  return value < 0n ? -value : value;
}
