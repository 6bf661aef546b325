import type { BonusEvent, DomainEvent, RefusalEvent, TransactionEvent } from '../core/events.js';
import { housePosting, playerPosting, type HouseAccount, type Posting } from '../core/ledger.js';
import type { MoneyCommand } from '../core/commands.js';
import type { DomainErrorCode } from '../core/result.js';
import type { SequencedEvent } from '../engine/committed-batch.js';
import { eventLogPageMax, type EventLog, type EventLogQuery } from '../ports/event-log.js';
import { ledgerId } from './ledger-store.js';
import type { SqlClient } from './sql-client.js';
import { recordColumns, recordOf, type RecordRow } from './transaction-row.js';

const sequenceBits = 40n;
const sequenceMask = (1n << sequenceBits) - 1n;

/** Reads a partition's events from the three tables that hold them: transactions, outbox, refusals. */
export class EventLogStore implements EventLog {
  constructor(private readonly client: SqlClient) {}

  async read(query: EventLogQuery): Promise<SequencedEvent[]> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > eventLogPageMax) throw new Error(`invariant violated: an event log page is 1..${eventLogPageMax}`);
    if (query.afterSequence < -1n) throw new Error('invariant violated: an event log read starts after -1 (the beginning) or later');
    const from = String(ledgerId(query.partition, 0n) + query.afterSequence + 1n);
    const until = String(ledgerId(query.partition + 1, 0n));
    const parameters = [from, until, query.limit, query.playerId ?? null];
    const [transactions, outbox, refusals] = await Promise.all([
      this.client.query<TransactionEventRow>(transactionsSql, parameters),
      this.client.query<OutboxRow>(outboxSql, parameters),
      this.client.query<RefusalRow>(refusalsSql, parameters),
    ]);
    const events = [...transactions.map(transactionEvent), ...outbox.map(outboxEvent), ...refusals.map(refusalEvent)];
    return events.sort((left, right) => (left.sequence < right.sequence ? -1 : 1)).slice(0, query.limit);
  }
}

const range = (column: string) => `${column} >= $1::bigint AND ${column} < $2::bigint AND ($4::text IS NULL OR player_id = $4::text)`;

// A row written before balances were kept on it (migration 009) has its balance summed from the player's history.
const transactionsSql = `SELECT ${recordColumns('t')}, t.counter_account, t.counter_delta::text, t.bonus_grant_id, t.contribution::text,
    COALESCE(t.cash_after, (SELECT sum(p.cash_delta) FROM transactions p WHERE p.player_id = t.player_id AND p.ledger_id <= t.ledger_id))::text AS cash_after,
    COALESCE(t.bonus_after, (SELECT sum(p.bonus_delta) FROM transactions p WHERE p.player_id = t.player_id AND p.ledger_id <= t.ledger_id))::text AS bonus_after
  FROM transactions t WHERE ${range('t.ledger_id')} ORDER BY t.ledger_id LIMIT $3`;
// Ordered by the table's column, not the text the select makes of it ("11" sorts before "2").
const outboxSql = `SELECT event_id::text, payload FROM outbox WHERE ${range('outbox.event_id')} ORDER BY outbox.event_id LIMIT $3`;
const refusalsSql = `SELECT ledger_id::text, source, transaction_id, player_id, kind, code FROM refusals WHERE ${range('refusals.ledger_id')} ORDER BY refusals.ledger_id LIMIT $3`;

interface TransactionEventRow extends RecordRow {
  counter_account: HouseAccount | null;
  counter_delta: string;
  bonus_grant_id: string | null;
  contribution: string;
  cash_after: string;
  bonus_after: string;
}

function transactionEvent(row: TransactionEventRow): SequencedEvent {
  const { ledgerId: id, ...record } = recordOf(row);
  const cashDelta = BigInt(row.cash_delta);
  const bonusDelta = BigInt(row.bonus_delta);
  const postings: Posting[] = [];
  if (cashDelta !== 0n) postings.push(playerPosting(record.playerId, 'cash', cashDelta));
  if (bonusDelta !== 0n) postings.push(playerPosting(record.playerId, 'bonus', bonusDelta));
  if (row.counter_account !== null && BigInt(row.counter_delta) !== 0n) postings.push(housePosting(row.counter_account, BigInt(row.counter_delta)));
  const event: TransactionEvent = {
    type: `transaction.${record.kind}`,
    playerId: record.playerId,
    entry: { record, cashAmount: magnitude(cashDelta), bonusAmount: magnitude(bonusDelta), postings, bonusGrantId: row.bonus_grant_id, contribution: BigInt(row.contribution) },
    balanceAfter: { cash: BigInt(row.cash_after), bonus: BigInt(row.bonus_after) },
  };
  return { sequence: id & sequenceMask, event };
}

interface OutboxRow {
  event_id: string;
  payload: Record<string, unknown> | string;
}

/** Amounts travel in the payload as strings of minor units; the typed event holds them as bigints. */
const bigintFields = new Set(['amount', 'required', 'forfeited', 'converted', 'progress']);

function outboxEvent(row: OutboxRow): SequencedEvent {
  const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload;
  const fields = Object.entries(payload).map(([key, value]) => [key, bigintFields.has(key) && typeof value === 'string' ? BigInt(value) : value]);
  return { sequence: BigInt(row.event_id) & sequenceMask, event: Object.fromEntries(fields) as unknown as BonusEvent };
}

interface RefusalRow {
  ledger_id: string;
  source: string;
  transaction_id: string;
  player_id: string;
  kind: MoneyCommand['kind'];
  code: DomainErrorCode;
}

function refusalEvent(row: RefusalRow): SequencedEvent {
  const event: RefusalEvent = { type: 'transaction.refused', playerId: row.player_id, source: row.source, transactionId: row.transaction_id, kind: row.kind, code: row.code };
  return { sequence: BigInt(row.ledger_id) & sequenceMask, event: event satisfies DomainEvent };
}

function magnitude(value: bigint): bigint {
  return value < 0n ? -value : value;
}
