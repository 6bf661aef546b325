import type { Entry, Refusal } from '../core/wallet-machine.js';
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
  t.cash_amount::text, t.bonus_amount::text, t.currency, t.round_id, t.game_id, t.reference_transaction_id`;

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
  INSERT INTO transactions (ledger_id, source, transaction_id, player_id, kind, amount, cash_amount, bonus_amount,
                            currency, round_id, game_id, reference_transaction_id, created_at)
  SELECT t.*, $4 FROM unnest($15::bigint[], $16::text[], $17::text[], $18::text[], $19::text[], $20::numeric[], $21::numeric[],
                             $22::numeric[], $23::text[], $24::text[], $25::text[], $26::text[]) AS t
  RETURNING 1
), created_postings AS (
  INSERT INTO postings (ledger_id, leg, account, player_id, currency, amount)
  SELECT * FROM unnest($27::bigint[], $28::smallint[], $29::text[], $30::text[], $31::text[], $32::numeric[])
  RETURNING 1
), created_refusals AS (
  INSERT INTO refusals (source, transaction_id, player_id, kind, code, created_at)
  SELECT r.*, $4 FROM unnest($33::text[], $34::text[], $35::text[], $36::text[], $37::text[]) AS r
  RETURNING 1
)
SELECT croupier_assert((SELECT count(*) FROM fence) = 1, 'CROUPIER_FENCED')
   AND croupier_assert((SELECT count(*) FROM updated_players) = cardinality($10::text[]), 'CROUPIER_STALE_WALLET') AS committed`;

function commitParameters(batch: Batch): unknown[] {
  const created = batch.wallets.filter((wallet) => wallet.versionRead === null);
  const updated = batch.wallets.filter((wallet) => wallet.versionRead !== null);
  const postings = batch.entries.flatMap(({ ledgerId: id, entry }) =>
    entry.postings.map((posting, leg) => ({ id, leg, posting, currency: entry.record.currency })),
  );
  const records = batch.entries.map(({ entry }) => entry.record);
  return [
    batch.lease.partition,
    String(batch.lease.epoch),
    String(batch.nextLedgerSeq),
    batch.committedAt.toISOString(),
    created.map((wallet) => wallet.playerId),
    created.map((wallet) => wallet.currency),
    created.map((wallet) => wallet.status),
    created.map((wallet) => String(wallet.cash)),
    created.map((wallet) => String(wallet.bonus)),
    updated.map((wallet) => wallet.playerId),
    updated.map((wallet) => wallet.status),
    updated.map((wallet) => String(wallet.cash)),
    updated.map((wallet) => String(wallet.bonus)),
    updated.map((wallet) => String(wallet.versionRead)),
    batch.entries.map(({ ledgerId: id }) => String(id)),
    records.map((record) => record.source),
    records.map((record) => record.transactionId),
    records.map((record) => record.playerId),
    records.map((record) => record.kind),
    records.map((record) => String(record.amount)),
    batch.entries.map(({ entry }) => String(entry.cashAmount)),
    batch.entries.map(({ entry }) => String(entry.bonusAmount)),
    records.map((record) => record.currency),
    records.map((record) => record.roundId),
    records.map((record) => record.gameId),
    records.map((record) => record.referenceTransactionId),
    postings.map(({ id }) => String(id)),
    postings.map(({ leg }) => leg),
    postings.map(({ posting }) => posting.account),
    postings.map(({ posting }) => posting.playerId),
    postings.map(({ currency }) => currency),
    postings.map(({ posting }) => String(posting.amount)),
    batch.refusals.map((refusal) => refusal.command.source),
    batch.refusals.map((refusal) => refusal.command.transactionId),
    batch.refusals.map((refusal) => refusal.command.playerId),
    batch.refusals.map((refusal) => refusal.command.kind),
    batch.refusals.map((refusal) => refusal.code),
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
  cash_amount: string;
  bonus_amount: string;
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
    cashAmount: BigInt(row.cash_amount),
    bonusAmount: BigInt(row.bonus_amount),
    currency: row.currency,
    roundId: row.round_id,
    gameId: row.game_id,
    referenceTransactionId: row.reference_transaction_id,
  };
}
