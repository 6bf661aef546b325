import type { Campaign } from '../core/bonus/campaign.js';
import type { BonusGrant } from '../core/bonus/grant.js';
import type { DomainEvent } from '../core/effects.js';
import type { HouseAccount } from '../core/ledger.js';
import type { Entry, Refusal } from '../core/wallet-machine.js';
import { termsFromJson, termsToJson, type TermsJson } from './campaign-json.js';
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
  readonly bonusOptIns: readonly string[];
  /** The version read from the store; null for a player created in this batch. */
  readonly versionRead: bigint | null;
}

export interface OutboxEvent {
  readonly eventId: bigint;
  readonly event: DomainEvent;
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
  /** Grants created in this batch (inserted with their terms) and grants that changed (updated). */
  readonly newBonuses: readonly BonusGrant[];
  readonly changedBonuses: readonly BonusGrant[];
  readonly events: readonly OutboxEvent[];
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
    return rows.map((row) => toWallet(row, byPlayer.get(row.player_id) ?? []));
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

/**
 * True when the store refused a batch because an id was taken meanwhile: a transaction id, or a
 * bonus grant id (a replayed deposit that claims a bonus). Either means a replay the cache did
 * not recognise.
 */
export function isTransactionIdConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '23505' && typeof message === 'string' && (message.includes('transactions_source_id') || message.includes('bonus_grants_pkey'));
}

const transactionColumns = `t.ledger_id::text, t.source, t.transaction_id, t.player_id, t.kind, t.amount::text,
  t.cash_delta::text, t.bonus_delta::text, t.currency, t.round_id, t.game_id, t.reference_transaction_id,
  t.bonus_grant_id, t.contribution::text`;

const grantColumns = `player_id, grant_id, position, state, amount::text, deposit_amount::text, required::text, progress::text,
  converted_amount::text, forfeited_amount::text, terms, array_to_string(open_rounds, ',') AS open_rounds,
  granted_at, activated_at, expires_at, ended_at`;

const commitStatement = `
WITH fence AS (
  UPDATE partitions SET next_ledger_seq = $3, batches = batches + 1, updated_at = $4
  WHERE partition = $1 AND epoch = $2
  RETURNING 1
), created_players AS (
  INSERT INTO players (player_id, currency, status, cash, bonus, bonus_opt_ins, version, created_at)
  SELECT n.player_id, n.currency, n.status, n.cash, n.bonus, string_to_array(n.opt_ins, ','), 1, $4
  FROM unnest($5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[], $10::text[]) AS n(player_id, currency, status, cash, bonus, opt_ins)
  RETURNING 1
), updated_players AS (
  UPDATE players SET status = u.status, cash = u.cash, bonus = u.bonus, bonus_opt_ins = string_to_array(u.opt_ins, ','), version = players.version + 1
  FROM unnest($11::text[], $12::text[], $13::numeric[], $14::numeric[], $15::text[], $16::bigint[]) AS u(player_id, status, cash, bonus, opt_ins, version)
  WHERE players.player_id = u.player_id AND players.version = u.version
  RETURNING 1
), created_transactions AS (
  INSERT INTO transactions (ledger_id, source, transaction_id, player_id, kind, amount, currency, round_id, game_id,
                            reference_transaction_id, cash_delta, bonus_delta, counter_account, counter_delta,
                            bonus_grant_id, contribution, created_at)
  SELECT t.*, $4 FROM unnest($17::bigint[], $18::text[], $19::text[], $20::text[], $21::text[], $22::numeric[], $23::text[],
                             $24::text[], $25::text[], $26::text[], $27::numeric[], $28::numeric[], $29::text[], $30::numeric[],
                             $31::text[], $32::numeric[]) AS t
  RETURNING 1
), created_refusals AS (
  INSERT INTO refusals (source, transaction_id, player_id, kind, code, created_at)
  SELECT r.*, $4 FROM unnest($33::text[], $34::text[], $35::text[], $36::text[], $37::text[]) AS r
  RETURNING 1
), created_grants AS (
  INSERT INTO bonus_grants (player_id, grant_id, position, campaign_id, state, amount, deposit_amount, required, progress,
                            converted_amount, forfeited_amount, terms, open_rounds, granted_at, activated_at, expires_at, ended_at)
  SELECT g.player_id, g.grant_id, g.position, g.campaign_id, g.state, g.amount, g.deposit_amount, g.required, g.progress,
         g.converted_amount, g.forfeited_amount, g.terms::jsonb, string_to_array(g.open_rounds, ','),
         g.granted_at, g.activated_at, g.expires_at, g.ended_at
  FROM unnest($38::text[], $39::text[], $40::text[], $41::text[], $42::numeric[], $43::numeric[], $44::numeric[], $45::numeric[],
              $46::numeric[], $47::numeric[], $48::text[], $49::text[], $50::timestamptz[], $51::timestamptz[], $52::timestamptz[], $53::timestamptz[],
              $68::integer[])
       AS g(player_id, grant_id, campaign_id, state, amount, deposit_amount, required, progress, converted_amount, forfeited_amount,
            terms, open_rounds, granted_at, activated_at, expires_at, ended_at, position)
  RETURNING 1
), updated_grants AS (
  UPDATE bonus_grants SET state = g.state, progress = g.progress, converted_amount = g.converted_amount,
    forfeited_amount = g.forfeited_amount, open_rounds = string_to_array(g.open_rounds, ','),
    activated_at = g.activated_at, expires_at = g.expires_at, ended_at = g.ended_at
  FROM unnest($58::text[], $59::text[], $60::text[], $61::numeric[], $62::numeric[], $63::numeric[], $64::text[],
              $65::timestamptz[], $66::timestamptz[], $67::timestamptz[])
       AS g(player_id, grant_id, state, progress, converted_amount, forfeited_amount, open_rounds, activated_at, expires_at, ended_at)
  WHERE bonus_grants.player_id = g.player_id AND bonus_grants.grant_id = g.grant_id
  RETURNING 1
), created_events AS (
  INSERT INTO outbox (event_id, player_id, type, payload, created_at)
  SELECT e.event_id, e.player_id, e.type, e.payload::jsonb, $4
  FROM unnest($54::bigint[], $55::text[], $56::text[], $57::text[]) AS e(event_id, player_id, type, payload)
  RETURNING 1
)
SELECT croupier_assert((SELECT count(*) FROM fence) = 1, 'CROUPIER_FENCED')
   AND croupier_assert((SELECT count(*) FROM updated_players) = cardinality($11::text[]), 'CROUPIER_STALE_WALLET')
   AND croupier_assert((SELECT count(*) FROM updated_grants) = cardinality($58::text[]), 'CROUPIER_STALE_GRANT') AS committed`;

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
  const grants = batch.newBonuses;
  const changed = batch.changedBonuses;
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
    textArray(created.map((wallet) => wallet.bonusOptIns.join(','))),
    textArray(updated.map((wallet) => wallet.playerId)),
    textArray(updated.map((wallet) => wallet.status)),
    integerArray(updated.map((wallet) => wallet.cash)),
    integerArray(updated.map((wallet) => wallet.bonus)),
    textArray(updated.map((wallet) => wallet.bonusOptIns.join(','))),
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
    textArray(batch.entries.map(({ entry }) => entry.bonusGrantId)),
    integerArray(batch.entries.map(({ entry }) => entry.contribution)),
    textArray(batch.refusals.map((refusal) => refusal.command.source)),
    textArray(batch.refusals.map((refusal) => refusal.command.transactionId)),
    textArray(batch.refusals.map((refusal) => refusal.command.playerId)),
    textArray(batch.refusals.map((refusal) => refusal.command.kind)),
    textArray(batch.refusals.map((refusal) => refusal.code)),
    textArray(grants.map((grant) => grant.playerId)),
    textArray(grants.map((grant) => grant.grantId)),
    textArray(grants.map((grant) => grant.campaign.campaignId)),
    textArray(grants.map((grant) => grant.state)),
    integerArray(grants.map((grant) => grant.amount)),
    integerArray(grants.map((grant) => grant.depositAmount)),
    integerArray(grants.map((grant) => grant.required)),
    integerArray(grants.map((grant) => grant.progress)),
    integerArray(grants.map((grant) => grant.convertedAmount)),
    integerArray(grants.map((grant) => grant.forfeitedAmount)),
    textArray(grants.map((grant) => storedTerms(grant.campaign))),
    textArray(grants.map((grant) => [...grant.openRounds].map(storedRoundKey).join(','))),
    textArray(grants.map((grant) => isoOrNull(grant.grantedAt))),
    textArray(grants.map((grant) => isoOrNull(grant.activatedAt))),
    textArray(grants.map((grant) => isoOrNull(grant.expiresAt))),
    textArray(grants.map((grant) => isoOrNull(grant.endedAt))),
    integerArray(batch.events.map(({ eventId }) => eventId)),
    textArray(batch.events.map(({ event }) => event.playerId)),
    textArray(batch.events.map(({ event }) => event.type)),
    textArray(batch.events.map(({ event }) => JSON.stringify({ type: event.type, playerId: event.playerId, ...event.data }))),
    textArray(changed.map((grant) => grant.playerId)),
    textArray(changed.map((grant) => grant.grantId)),
    textArray(changed.map((grant) => grant.state)),
    integerArray(changed.map((grant) => grant.progress)),
    integerArray(changed.map((grant) => grant.convertedAmount)),
    integerArray(changed.map((grant) => grant.forfeitedAmount)),
    textArray(changed.map((grant) => [...grant.openRounds].map(storedRoundKey).join(','))),
    textArray(changed.map((grant) => isoOrNull(grant.activatedAt))),
    textArray(changed.map((grant) => isoOrNull(grant.expiresAt))),
    textArray(changed.map((grant) => isoOrNull(grant.endedAt))),
    integerArray(grants.map((grant) => grant.position)),
  ];
}

/** A grant's terms are written with every change of its progress; each campaign is serialised once. */
const serialisedTerms = new WeakMap<Campaign, string>();

function storedTerms(campaign: Campaign): string {
  let text = serialisedTerms.get(campaign);
  if (text === undefined) {
    text = JSON.stringify(termsToJson(campaign));
    serialisedTerms.set(campaign, text);
  }
  return text;
}

/** Round keys hold a NUL between source and round id in memory; the store keeps a '/' (never in an id). */
function storedRoundKey(key: string): string {
  return key.replace('\u0000', '/');
}

function memoryRoundKey(key: string): string {
  return key.replace('/', '\u0000');
}

function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

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
  open_rounds: string;
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
    openRounds: new Set(row.open_rounds === '' ? [] : row.open_rounds.split(',').map(memoryRoundKey)),
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
  bonus_grant_id: string | null;
  contribution: string;
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
    bonusGrantId: row.bonus_grant_id,
    contribution: BigInt(row.contribution),
    currency: row.currency,
    roundId: row.round_id,
    gameId: row.game_id,
    referenceTransactionId: row.reference_transaction_id,
  };
}

function magnitude(value: bigint): bigint {
  return value < 0n ? -value : value;
}
