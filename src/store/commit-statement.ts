import type { Campaign } from '../core/bonus/campaign.js';
import type { BonusGrant } from '../core/bonus/grant.js';
import type { HouseAccount } from '../core/ledger.js';
import type { Entry } from '../core/entry.js';
import { integerArray, textArray } from './array-literal.js';
import { termsToJson } from './campaign-json.js';
import type { AuditRow, Batch, LedgerEntry, NumberedRefusal, OutboxEvent, WalletWrite } from './batch.js';
import { commitRefusals, type CommitRefusal } from './store-errors.js';

/**
 * The statement that commits a partition's batch, built for the batch's shape: only the parts
 * the batch has rows for. Every table a statement names costs its locks and index opens on each
 * execution, even with no rows, and a batch of bets touches three of the eight tables; measured
 * on PostgreSQL 15 that was about 0.25 ms of server CPU per commit, which at moderate load (many
 * small batches) was most of the store's cost. Each shape is one named prepared statement.
 *
 * Parameters $1–$4 are shared: partition, epoch, next ledger sequence and commit time.
 */
export interface CommitStatement {
  readonly name: string;
  readonly text: string;
  readonly values: unknown[];
}

const sharedParameterCount = 4;
/** The commit time, the shared parameter that every row created by the batch is stamped with. */
const commitTime = '$4';

/**
 * One column of a part's rows, declared once: its name in the table, its SQL type and how a row
 * gives its value. The part's unnest casts, its alias list, its column lists and its parameter
 * arrays are all generated from its columns, so they cannot disagree by position.
 */
type Column<Row> = TextColumn<Row> | IntegerColumn<Row>;

interface TextColumn<Row> {
  readonly name: string;
  /** Text and timestamps travel as text arrays (timestamps as ISO strings). */
  readonly type: 'text' | 'timestamptz';
  readonly value: (row: Row) => string | null;
  /** How the statement writes the unnested value into the table, when not as it is. */
  readonly write?: (unnested: string) => string;
}

interface IntegerColumn<Row> {
  readonly name: string;
  readonly type: 'numeric' | 'bigint' | 'integer';
  readonly value: (row: Row) => bigint | number;
  readonly write?: (unnested: string) => string;
}

type Placeholder = (k: number) => string;

interface Part {
  readonly name: string;
  readonly parameterCount: number;
  /** The part's parameter values, or null when the batch has no rows for it (the part is left out). */
  readonly values: (batch: Batch) => unknown[] | null;
  /** The part's SQL; `p(k)` is the placeholder of its k-th parameter. */
  readonly sql: (p: Placeholder) => string;
  /** A condition that must hold for the statement to commit, and the refusal it raises otherwise. */
  readonly check?: (p: Placeholder) => [condition: string, refusal: CommitRefusal];
}

/** The alias of a part's unnested rows. */
const unnested = 'v';

function arrayOf<Row>(column: Column<Row>, rows: readonly Row[]): string {
  switch (column.type) {
    case 'text':
    case 'timestamptz':
      return textArray(rows.map(column.value));
    case 'numeric':
    case 'bigint':
    case 'integer':
      return integerArray(rows.map(column.value));
  }
}

/** `unnest($5::text[], $6::numeric[], ...) AS v(player_id, cash, ...)`: one array parameter per column. */
function unnestOf(columns: readonly Column<never>[], p: Placeholder): string {
  const casts = columns.map((column, k) => `${p(k)}::${column.type}[]`).join(', ');
  return `unnest(${casts}) AS ${unnested}(${columns.map((column) => column.name).join(', ')})`;
}

function written(column: Column<never>): string {
  const value = `${unnested}.${column.name}`;
  return column.write === undefined ? value : column.write(value);
}

function valuesOf<Row>(rowsOf: (batch: Batch) => readonly Row[], columns: readonly Column<Row>[]): Part['values'] {
  return (batch) => {
    const rows = rowsOf(batch);
    return rows.length === 0 ? null : columns.map((column) => arrayOf(column, rows));
  };
}

interface InsertSpec<Row> {
  readonly name: string;
  readonly table: string;
  readonly rows: (batch: Batch) => readonly Row[];
  readonly columns: readonly Column<Row>[];
  /** Table columns set by the statement itself rather than by a row: [column, SQL expression]. */
  readonly constants?: readonly (readonly [column: string, expression: string])[];
}

/** A part that inserts the batch's rows of one kind. */
function insertPart<Row>(spec: InsertSpec<Row>): Part {
  const constants = spec.constants ?? [];
  const names = [...spec.columns.map((column) => column.name), ...constants.map(([column]) => column)];
  const selected = [...spec.columns.map(written), ...constants.map(([, expression]) => expression)];
  return {
    name: spec.name,
    parameterCount: spec.columns.length,
    values: valuesOf(spec.rows, spec.columns),
    sql: (p) => `INSERT INTO ${spec.table} (${names.join(', ')})
    SELECT ${selected.join(', ')}
    FROM ${unnestOf(spec.columns, p)}
    RETURNING 1`,
  };
}

interface UpdateSpec<Row> {
  readonly name: string;
  readonly table: string;
  readonly rows: (batch: Batch) => readonly Row[];
  /** Columns a table row must equal for the row to be updated; the first is the row's key. */
  readonly match: readonly [Column<Row>, ...Column<Row>[]];
  /** Columns set from the row's values. */
  readonly set: readonly Column<Row>[];
  /** Assignments made by the statement itself, such as a version's increment. */
  readonly assignments?: readonly string[];
  /** Raised when fewer table rows matched than were sent: one of them changed after it was read. */
  readonly refusal: CommitRefusal;
}

/** A part that updates table rows from the batch's rows, and checks that every row sent matched. */
function updatePart<Row>(spec: UpdateSpec<Row>): Part {
  const columns = [...spec.match, ...spec.set];
  const assignments = [...spec.set.map((column) => `${column.name} = ${written(column)}`), ...(spec.assignments ?? [])];
  const matches = spec.match.map((column) => `${spec.table}.${column.name} = ${unnested}.${column.name}`);
  const key = spec.match[0];
  return {
    name: spec.name,
    parameterCount: columns.length,
    values: valuesOf(spec.rows, columns),
    sql: (p) => `UPDATE ${spec.table} SET ${assignments.join(', ')}
    FROM ${unnestOf(columns, p)}
    WHERE ${matches.join(' AND ')}
    RETURNING 1`,
    check: (p) => [`(SELECT count(*) FROM ${spec.name}) = cardinality(${p(0)}::${key.type}[])`, spec.refusal],
  };
}

const fence: Part = {
  name: 'fence',
  parameterCount: 0,
  values: () => [],
  sql: () => `UPDATE partitions SET next_ledger_seq = $3, batches = batches + 1, updated_at = ${commitTime}
    WHERE partition = $1 AND epoch = $2
    RETURNING 1`,
  check: () => ['(SELECT count(*) FROM fence) = 1', 'fenced'],
};

const optIns: Column<WalletWrite> = {
  name: 'bonus_opt_ins',
  type: 'text',
  value: (wallet) => wallet.bonusOptIns.join(','),
  write: (unnested) => `string_to_array(${unnested}, ',')`,
};

const createdPlayers = insertPart<WalletWrite>({
  name: 'created_players',
  table: 'players',
  rows: (batch) => batch.wallets.filter((wallet) => wallet.versionRead === null),
  columns: [
    { name: 'player_id', type: 'text', value: (wallet) => wallet.playerId },
    { name: 'currency', type: 'text', value: (wallet) => wallet.currency },
    { name: 'status', type: 'text', value: (wallet) => wallet.status },
    { name: 'cash', type: 'numeric', value: (wallet) => wallet.cash },
    { name: 'bonus', type: 'numeric', value: (wallet) => wallet.bonus },
    optIns,
  ],
  constants: [
    ['version', '1'],
    ['created_at', commitTime],
  ],
});

const updatedPlayers = updatePart<WalletWrite>({
  name: 'updated_players',
  table: 'players',
  rows: (batch) => batch.wallets.filter((wallet) => wallet.versionRead !== null),
  match: [
    { name: 'player_id', type: 'text', value: (wallet) => wallet.playerId },
    { name: 'version', type: 'bigint', value: (wallet) => wallet.versionRead ?? 0n },
  ],
  set: [
    { name: 'status', type: 'text', value: (wallet) => wallet.status },
    { name: 'cash', type: 'numeric', value: (wallet) => wallet.cash },
    { name: 'bonus', type: 'numeric', value: (wallet) => wallet.bonus },
    optIns,
  ],
  assignments: ['version = players.version + 1'],
  refusal: 'staleWallet',
});

/** A ledger entry as its row: the record, and its postings folded into the row's legs. */
interface TransactionWrite {
  readonly ledgerId: bigint;
  readonly entry: Entry;
  readonly record: Entry['record'];
  readonly legs: Legs;
  readonly balanceAfter: LedgerEntry['balanceAfter'];
}

const createdTransactions = insertPart<TransactionWrite>({
  name: 'created_transactions',
  table: 'transactions',
  rows: (batch) => batch.entries.map(({ ledgerId, entry, balanceAfter }) => ({ ledgerId, entry, record: entry.record, legs: legsOf(entry), balanceAfter })),
  columns: [
    { name: 'ledger_id', type: 'bigint', value: (row) => row.ledgerId },
    { name: 'source', type: 'text', value: (row) => row.record.source },
    { name: 'transaction_id', type: 'text', value: (row) => row.record.transactionId },
    { name: 'player_id', type: 'text', value: (row) => row.record.playerId },
    { name: 'kind', type: 'text', value: (row) => row.record.kind },
    { name: 'amount', type: 'numeric', value: (row) => row.record.amount },
    { name: 'currency', type: 'text', value: (row) => row.record.currency },
    { name: 'round_id', type: 'text', value: (row) => row.record.roundId },
    { name: 'game_id', type: 'text', value: (row) => row.record.gameId },
    { name: 'reference_transaction_id', type: 'text', value: (row) => row.record.referenceTransactionId },
    { name: 'cash_delta', type: 'numeric', value: (row) => row.legs.cashDelta },
    { name: 'bonus_delta', type: 'numeric', value: (row) => row.legs.bonusDelta },
    { name: 'counter_account', type: 'text', value: (row) => row.legs.counterAccount },
    { name: 'counter_delta', type: 'numeric', value: (row) => row.legs.counterDelta },
    { name: 'bonus_grant_id', type: 'text', value: (row) => row.entry.bonusGrantId },
    { name: 'contribution', type: 'numeric', value: (row) => row.entry.contribution },
    { name: 'cash_after', type: 'numeric', value: (row) => row.balanceAfter.cash },
    { name: 'bonus_after', type: 'numeric', value: (row) => row.balanceAfter.bonus },
  ],
  constants: [['created_at', commitTime]],
});

const createdRefusals = insertPart<NumberedRefusal>({
  name: 'created_refusals',
  table: 'refusals',
  rows: (batch) => batch.refusals,
  columns: [
    { name: 'ledger_id', type: 'bigint', value: (row) => row.ledgerId },
    { name: 'source', type: 'text', value: (row) => row.refusal.source },
    { name: 'transaction_id', type: 'text', value: (row) => row.refusal.transactionId },
    { name: 'player_id', type: 'text', value: (row) => row.refusal.playerId },
    { name: 'kind', type: 'text', value: (row) => row.refusal.kind },
    { name: 'code', type: 'text', value: (row) => row.refusal.code },
  ],
  constants: [['created_at', commitTime]],
});

const grantKey: [Column<BonusGrant>, Column<BonusGrant>] = [
  { name: 'player_id', type: 'text', value: (grant) => grant.playerId },
  { name: 'grant_id', type: 'text', value: (grant) => grant.grantId },
];

/** What a grant changes as it runs; the rest of its row is written once, when it is created. */
const grantProgress: Column<BonusGrant>[] = [
  { name: 'state', type: 'text', value: (grant) => grant.state },
  { name: 'progress', type: 'numeric', value: (grant) => grant.progress },
  { name: 'converted_amount', type: 'numeric', value: (grant) => grant.convertedAmount },
  { name: 'forfeited_amount', type: 'numeric', value: (grant) => grant.forfeitedAmount },
  { name: 'activated_at', type: 'timestamptz', value: (grant) => isoOrNull(grant.activatedAt) },
  { name: 'expires_at', type: 'timestamptz', value: (grant) => isoOrNull(grant.expiresAt) },
  { name: 'ended_at', type: 'timestamptz', value: (grant) => isoOrNull(grant.endedAt) },
];

const createdGrants = insertPart<BonusGrant>({
  name: 'created_grants',
  table: 'bonus_grants',
  rows: (batch) => batch.newBonuses,
  columns: [
    ...grantKey,
    { name: 'position', type: 'integer', value: (grant) => grant.position },
    { name: 'campaign_id', type: 'text', value: (grant) => grant.campaign.campaignId },
    { name: 'amount', type: 'numeric', value: (grant) => grant.amount },
    { name: 'deposit_amount', type: 'numeric', value: (grant) => grant.depositAmount },
    { name: 'required', type: 'numeric', value: (grant) => grant.required },
    { name: 'terms', type: 'text', value: (grant) => storedTerms(grant.campaign), write: (unnested) => `${unnested}::jsonb` },
    { name: 'granted_at', type: 'timestamptz', value: (grant) => isoOrNull(grant.grantedAt) },
    ...grantProgress,
  ],
});

const updatedGrants = updatePart<BonusGrant>({
  name: 'updated_grants',
  table: 'bonus_grants',
  rows: (batch) => batch.changedBonuses,
  match: grantKey,
  set: grantProgress,
  refusal: 'staleGrant',
});

/** The outbox row's payload: the event as consumers read it. */
function eventPayload({ event }: OutboxEvent): string {
  return JSON.stringify(event, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
}

const createdEvents = insertPart<OutboxEvent>({
  name: 'created_events',
  table: 'outbox',
  rows: (batch) => batch.events,
  columns: [
    { name: 'event_id', type: 'bigint', value: (outboxEvent) => outboxEvent.eventId },
    { name: 'player_id', type: 'text', value: (outboxEvent) => outboxEvent.event.playerId },
    { name: 'type', type: 'text', value: (outboxEvent) => outboxEvent.event.type },
    { name: 'payload', type: 'text', value: eventPayload, write: (unnested) => `${unnested}::jsonb` },
  ],
  constants: [['created_at', commitTime]],
});

const createdAudits = insertPart<AuditRow>({
  name: 'created_audits',
  table: 'audit_log',
  rows: (batch) => batch.audits,
  columns: [
    { name: 'actor', type: 'text', value: (row) => row.actor },
    { name: 'request_id', type: 'text', value: (row) => row.requestId },
    { name: 'action', type: 'text', value: (row) => row.action },
    { name: 'target', type: 'text', value: (row) => row.target },
    { name: 'change', type: 'text', value: (row) => row.change, write: (unnested) => `${unnested}::jsonb` },
  ],
  constants: [['at', commitTime]],
});

const parts: readonly Part[] = [fence, createdPlayers, updatedPlayers, createdTransactions, createdRefusals, createdGrants, updatedGrants, createdEvents, createdAudits];

/** Statement texts by shape (a bit per part), built on first use. */
const texts = new Map<number, string>();

export function commitStatement(batch: Batch): CommitStatement {
  let shape = 0;
  const values: unknown[] = [
    batch.lease.partition,
    String(batch.lease.epoch),
    String(batch.nextLedgerSeq),
    batch.committedAt.toISOString(),
  ];
  parts.forEach((part, bit) => {
    const partValues = part.values(batch);
    if (partValues === null) return;
    shape |= 1 << bit;
    values.push(...partValues);
  });
  let text = texts.get(shape);
  if (text === undefined) {
    text = statementText(shape);
    texts.set(shape, text);
  }
  return { name: `croupier_commit_${shape}`, text, values };
}

function statementText(shape: number): string {
  const ctes: string[] = [];
  const checks: string[] = [];
  let next = sharedParameterCount + 1;
  parts.forEach((part, bit) => {
    if ((shape & (1 << bit)) === 0) return;
    const first = next;
    const p = (k: number): string => `$${first + k}`;
    next += part.parameterCount;
    ctes.push(`${part.name} AS (\n    ${part.sql(p)}\n  )`);
    const check = part.check?.(p);
    if (check === undefined) return;
    const [condition, refusal] = check;
    const { sqlstate, message } = commitRefusals[refusal];
    checks.push(`croupier_assert(${condition}, ${sqlLiteral(sqlstate)}, ${sqlLiteral(message)})`);
  });
  return `WITH ${ctes.join(', ')}\nSELECT ${checks.join('\n   AND ')} AS committed`;
}

function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

interface Legs {
  readonly cashDelta: bigint;
  readonly bonusDelta: bigint;
  readonly counterAccount: HouseAccount | null;
  readonly counterDelta: bigint;
}

/** Folds an entry's postings into the row's three legs: the player's cash and bonus, and one counter account. */
function legsOf(entry: Entry): Legs {
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

/** Grants of one campaign share its terms object: serialise it once. */
const serialisedTerms = new WeakMap<Campaign, string>();

function storedTerms(campaign: Campaign): string {
  let text = serialisedTerms.get(campaign);
  if (text === undefined) {
    text = JSON.stringify(termsToJson(campaign));
    serialisedTerms.set(campaign, text);
  }
  return text;
}

function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}
