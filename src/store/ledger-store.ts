import type { BonusGrant } from '../core/bonus/grant.js';
import type { Batch, PartitionLease } from './batch.js';
import { termsFromJson, type TermsJson } from './campaign-json.js';
import { commitStatement } from './commit-statement.js';
import { recordColumns, recordOf, type RecordRow } from './transaction-row.js';
import { roundWagering } from '../core/history.js';
import { roundKey } from '../core/player.js';
import type { PlayerStatus, TransactionRecord } from '../core/player.js';
import type { SqlClient } from './sql-client.js';
import { storeErrorKind } from './store-errors.js';

export interface StoredWallet {
  readonly playerId: string;
  readonly currency: string;
  readonly status: PlayerStatus;
  readonly cash: bigint;
  readonly bonus: bigint;
  readonly version: bigint;
  readonly bonusOptIns: string[];
  readonly bonuses: BonusGrant[];
}

export interface StoredTransaction extends TransactionRecord {
  readonly ledgerId: bigint;
  /** How much the transaction moved from or to cash and bonus (the size of those legs). */
  readonly cashAmount: bigint;
  readonly bonusAmount: bigint;
  readonly bonusGrantId: string | null;
  readonly contribution: bigint;
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

/** Raised when the store refuses a batch because this writer no longer owns the partition. */
export class FencedError extends Error {
  constructor(readonly partition: number) {
    super(`partition ${partition} is owned by another writer`);
  }
}

const ledgerSeqBits = 40n;
const ledgerSeqLimit = 1n << ledgerSeqBits;
/** The largest partition whose ledger ids still fit in PostgreSQL's bigint (signed, 64 bits). */
const partitionMax = 2 ** (63 - Number(ledgerSeqBits)) - 1;

/** A ledger id packs the partition above a 40-bit sequence: unique, and ordered within the partition. */
export function ledgerId(partition: number, sequence: bigint): bigint {
  if (!Number.isSafeInteger(partition)) throw new Error(`invariant violated: a partition is an integer (got ${partition})`);
  if (partition < 0) throw new Error(`invariant violated: a partition is not negative (got ${partition})`);
  if (partition > partitionMax) throw new Error(`invariant violated: a partition is at most ${partitionMax} (got ${partition})`);
  if (sequence < 0n) throw new Error(`invariant violated: a ledger sequence is not negative (got ${sequence})`);
  if (sequence >= ledgerSeqLimit) throw new Error(`invariant violated: a ledger sequence is below 2^40 (got ${sequence})`);
  return (BigInt(partition) << ledgerSeqBits) | sequence;
}

/** The store's SQL, set-based: one statement per lookup kind, one statement per batch commit. */
export class LedgerStore {
  constructor(readonly client: SqlClient) {}

  /** True when statements run in this process (PGlite): a commit then occupies the event loop until it ends. */
  get inProcess(): boolean {
    return this.client.dialect === 'pglite';
  }

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

  /** Players with their bonus grants (a player has few; all are kept, for the rules that look back at ended ones). */
  async loadWallets(playerIds: readonly string[]): Promise<StoredWallet[]> {
    const rows = await this.client.query<WalletRow>(
      `SELECT player_id, currency, status, cash::text, bonus::text, version::text, array_to_string(bonus_opt_ins, ',') AS opt_ins
       FROM players WHERE player_id = ANY($1::text[])`,
      [playerIds],
      'croupier_load_wallets',
    );
    if (rows.length === 0) return [];
    const grants = await this.client.query<GrantRow>(
      `SELECT ${grantColumns} FROM bonus_grants WHERE player_id = ANY($1::text[]) ORDER BY position`,
      [rows.map((row) => row.player_id)],
      'croupier_load_grants',
    );
    const byPlayer = new Map<string, BonusGrant[]>();
    for (const row of grants) byPlayer.set(row.player_id, [...(byPlayer.get(row.player_id) ?? []), toGrant(row)]);
    await this.loadWagering([...byPlayer.values()].flat().filter((grant) => grant.state === 'active'));
    return rows.map((row) => toWallet(row, byPlayer.get(row.player_id) ?? []));
  }

  /**
   * Rebuilds the active grants' wagering from the rounds of their bets: the rounds still open
   * with a bonus-funded stake, and the progress (the contributions of the bets that stand). The
   * grant row holds neither while the grant is active: every bet would rewrite it.
   */
  private async loadWagering(active: BonusGrant[]): Promise<void> {
    if (active.length === 0) return;
    const rows = await this.client.query<TransactionRow>(
      `SELECT ${transactionColumns} FROM transactions t
       WHERE (t.player_id, t.source, t.round_id) IN (
         SELECT b.player_id, b.source, b.round_id FROM transactions b
           JOIN unnest($1::text[], $2::text[]) AS g(player_id, grant_id) ON b.player_id = g.player_id AND b.bonus_grant_id = g.grant_id
         WHERE b.kind = 'bet')
       ORDER BY t.ledger_id`,
      [active.map((grant) => grant.playerId), active.map((grant) => grant.grantId)],
      'croupier_load_wagering',
    );
    const roundsByPlayer = new Map<string, Map<string, StoredTransaction[]>>();
    for (const transaction of rows.map(toTransaction)) {
      if (transaction.roundId === null) continue;
      const rounds = roundsByPlayer.get(transaction.playerId) ?? new Map<string, StoredTransaction[]>();
      roundsByPlayer.set(transaction.playerId, rounds);
      const key = roundKey(transaction.source, transaction.roundId);
      const round = rounds.get(key);
      if (round === undefined) rounds.set(key, [transaction]);
      else round.push(transaction);
    }
    for (const grant of active) {
      grant.progress = 0n;
      for (const [key, transactions] of roundsByPlayer.get(grant.playerId) ?? []) {
        const { open, contribution } = roundWagering(transactions, grant.grantId);
        if (open) grant.openRounds.add(key);
        grant.progress += contribution;
      }
    }
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
      const statement = commitStatement(batch);
      await this.client.query(statement.text, statement.values, statement.name);
    } catch (error) {
      if (storeErrorKind(error) === 'fenced') throw new FencedError(batch.lease.partition);
      throw error;
    }
  }
}

/**
 * True when the store refused a batch because an id was taken meanwhile: a transaction id, or a
 * bonus grant id (a replayed deposit that claims a bonus). Either means a replay the cache did
 * not recognise.
 */
export function isTransactionIdConflict(error: unknown): boolean {
  return storeErrorKind(error) === 'transactionIdConflict';
}

const transactionColumns = `${recordColumns('t')}, t.bonus_grant_id, t.contribution::text`;

const grantColumns = `player_id, grant_id, position, state, amount::text, deposit_amount::text, required::text, progress::text,
  converted_amount::text, forfeited_amount::text, terms,
  granted_at, activated_at, expires_at, ended_at`;

function epochOrNull(value: Date | string | null): number | null {
  return value === null ? null : new Date(value).getTime();
}

interface WalletRow {
  player_id: string;
  currency: string;
  status: PlayerStatus;
  cash: string;
  bonus: string;
  version: string;
  opt_ins: string;
}

function toWallet(row: WalletRow, bonuses: BonusGrant[]): StoredWallet {
  return {
    playerId: row.player_id,
    currency: row.currency,
    status: row.status,
    cash: BigInt(row.cash),
    bonus: BigInt(row.bonus),
    version: BigInt(row.version),
    bonusOptIns: row.opt_ins === '' ? [] : row.opt_ins.split(','),
    bonuses,
  };
}

interface GrantRow {
  player_id: string;
  grant_id: string;
  position: number;
  state: BonusGrant['state'];
  amount: string;
  deposit_amount: string;
  required: string;
  progress: string;
  converted_amount: string;
  forfeited_amount: string;
  terms: TermsJson | string;
  granted_at: Date | string;
  activated_at: Date | string | null;
  expires_at: Date | string | null;
  ended_at: Date | string | null;
}

function toGrant(row: GrantRow): BonusGrant {
  return {
    grantId: row.grant_id,
    playerId: row.player_id,
    position: Number(row.position),
    campaign: termsFromJson(typeof row.terms === 'string' ? (JSON.parse(row.terms) as TermsJson) : row.terms),
    amount: BigInt(row.amount),
    depositAmount: BigInt(row.deposit_amount),
    required: BigInt(row.required),
    grantedAt: new Date(row.granted_at).getTime(),
    state: row.state,
    progress: BigInt(row.progress),
    activatedAt: epochOrNull(row.activated_at),
    expiresAt: epochOrNull(row.expires_at),
    endedAt: epochOrNull(row.ended_at),
    convertedAmount: BigInt(row.converted_amount),
    forfeitedAmount: BigInt(row.forfeited_amount),
    openRounds: new Set(),
  };
}

interface TransactionRow extends RecordRow {
  bonus_grant_id: string | null;
  contribution: string;
}

function toTransaction(row: TransactionRow): StoredTransaction {
  return {
    ...recordOf(row),
    cashAmount: magnitude(BigInt(row.cash_delta)),
    bonusAmount: magnitude(BigInt(row.bonus_delta)),
    bonusGrantId: row.bonus_grant_id,
    contribution: BigInt(row.contribution),
  };
}

function magnitude(value: bigint): bigint {
  return value < 0n ? -value : value;
}
