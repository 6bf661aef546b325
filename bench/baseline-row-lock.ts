import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { Answer, Target } from './lib/runner.js';
import { benchCurrency, benchGame, benchSource, playerIdOf, type Op } from './lib/workload.js';

/**
 * The classic reference design the engine is measured against: one SQL transaction per
 * operation that locks the player's wallet row with SELECT … FOR UPDATE, inserts the
 * transaction (idempotency by the unique (source, transaction_id)), updates the balance,
 * inserts the postings and commits. Same semantics as the engine for bet, win and rollback,
 * same indexes, named (prepared) statements, one round trip per statement.
 */

const schemaSql = `
CREATE TABLE players (
  player_id text PRIMARY KEY,
  currency  text NOT NULL,
  status    text NOT NULL CHECK (status IN ('active', 'blocked')),
  cash      bigint NOT NULL CHECK (cash >= 0),
  bonus     bigint NOT NULL CHECK (bonus >= 0)
);
CREATE TABLE transactions (
  ledger_id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source                   text NOT NULL,
  transaction_id           text NOT NULL,
  player_id                text NOT NULL,
  kind                     text NOT NULL,
  amount                   bigint NOT NULL,
  cash_amount              bigint NOT NULL,
  bonus_amount             bigint NOT NULL,
  currency                 text NOT NULL,
  round_id                 text,
  game_id                  text,
  reference_transaction_id text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT transactions_source_id UNIQUE (source, transaction_id)
);
CREATE INDEX transactions_round ON transactions (player_id, source, round_id) WHERE round_id IS NOT NULL;
CREATE TABLE postings (
  ledger_id bigint   NOT NULL,
  leg       smallint NOT NULL,
  account   text     NOT NULL,
  player_id text,
  currency  text     NOT NULL,
  amount    bigint   NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (ledger_id, leg)
);`;

const lockWallet = {
  name: 'bl_lock_wallet',
  text: 'SELECT status, currency, cash::text, bonus::text FROM players WHERE player_id = $1 FOR UPDATE',
};
const readRound = {
  name: 'bl_read_round',
  text: `SELECT kind, transaction_id, cash_amount::text, bonus_amount::text, reference_transaction_id
         FROM transactions WHERE player_id = $1 AND source = $2 AND round_id = $3 ORDER BY ledger_id`,
};
const insertTransaction = {
  name: 'bl_insert_transaction',
  text: `INSERT INTO transactions (source, transaction_id, player_id, kind, amount, cash_amount, bonus_amount, currency,
                                   round_id, game_id, reference_transaction_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (source, transaction_id) DO NOTHING RETURNING ledger_id::text`,
};
const updateWallet = { name: 'bl_update_wallet', text: 'UPDATE players SET cash = $2, bonus = $3 WHERE player_id = $1' };
const insertPostings = {
  name: 'bl_insert_postings',
  text: `INSERT INTO postings (ledger_id, leg, account, player_id, currency, amount)
         SELECT $1, p.leg, p.account, p.player_id, $2, p.amount
         FROM unnest($3::smallint[], $4::text[], $5::text[], $6::bigint[]) AS p(leg, account, player_id, amount)`,
};
const findTransaction = { name: 'bl_find_transaction', text: 'SELECT 1 FROM transactions WHERE source = $1 AND transaction_id = $2' };

interface Leg {
  readonly account: string;
  readonly playerId: string | null;
  readonly amount: bigint;
}

type OpOf<Kind extends Op['kind']> = Extract<Op, { readonly kind: Kind }>;

/** What one operation writes: the transaction row's amounts, its postings, and the wallet after it. */
interface Entry {
  readonly amount: bigint;
  readonly fromCash: bigint;
  readonly fromBonus: bigint;
  readonly reference: string | null;
  readonly legs: readonly Leg[];
  readonly cash: bigint;
  readonly bonus: bigint;
}

interface WalletRow {
  status: string;
  currency: string;
  cash: string;
  bonus: string;
}

interface RoundRow {
  kind: string;
  transaction_id: string;
  cash_amount: string;
  bonus_amount: string;
  reference_transaction_id: string | null;
}

class Refusal {
  constructor(readonly code: string) {}
}

export interface BaselineOptions {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly poolSize: number;
}

export class RowLockBaseline implements Target {
  private constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  static async open(options: BaselineOptions): Promise<RowLockBaseline> {
    const admin = new pg.Client({ connectionString: options.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA "${options.schema}"`);
      await admin.query(`SET search_path TO "${options.schema}"`);
      await admin.query(schemaSql);
    } finally {
      await admin.end();
    }
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize,
      application_name: 'croupier-bench-baseline',
      options: `-c search_path=${options.schema}`,
    });
    pool.on('error', () => undefined);
    return new RowLockBaseline(pool, options.schema);
  }

  /** Registers players 0..count-1 and deposits `deposit` into each, with postings, in bulk. */
  async seed(count: number, deposit: bigint): Promise<void> {
    const ids = Array.from({ length: count }, (_, index) => playerIdOf(index));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO players (player_id, currency, status, cash, bonus) SELECT id, $2, 'active', $3, 0 FROM unnest($1::text[]) AS id`, [
        ids,
        benchCurrency,
        String(deposit),
      ]);
      await client.query(
        `WITH t AS (
           INSERT INTO transactions (source, transaction_id, player_id, kind, amount, cash_amount, bonus_amount, currency)
           SELECT 'operator', 'seed-' || id, id, 'deposit', $2, $2, 0, $3 FROM unnest($1::text[]) AS id
           RETURNING ledger_id, player_id
         )
         INSERT INTO postings (ledger_id, leg, account, player_id, currency, amount)
         SELECT ledger_id, 0, 'world:payments', NULL, $3, -$2::bigint FROM t
         UNION ALL
         SELECT ledger_id, 1, 'cash', player_id, $3, $2::bigint FROM t`,
        [ids, String(deposit), benchCurrency],
      );
      await client.query('COMMIT');
      await client.query('ANALYZE players');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async execute(op: Op): Promise<Answer> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      try {
        await this.apply(client, op);
      } catch (error) {
        await client.query('ROLLBACK');
        if (error instanceof Refusal) {
          if (error.code === 'DUPLICATE_TRANSACTION') return { ok: true };
          return { ok: false, code: error.code };
        }
        throw error;
      }
      await client.query('COMMIT');
      return { ok: true };
    } catch (error) {
      broken = true;
      return { ok: false, code: `STORE_ERROR:${(error as { code?: string }).code ?? 'unknown'}` };
    } finally {
      client.release(broken);
    }
  }

  private async apply(client: pg.PoolClient, op: Op): Promise<void> {
    const wallet = (await client.query<WalletRow>({ ...lockWallet, values: [op.playerId] })).rows[0];
    if (wallet === undefined) throw new Refusal('PLAYER_NOT_FOUND');
    const entry = await this.entryOf(client, op, wallet);
    const inserted = await client.query<{ ledger_id: string }>({
      ...insertTransaction,
      values: [
        benchSource,
        op.transactionId,
        op.playerId,
        op.kind,
        String(entry.amount),
        String(entry.fromCash),
        String(entry.fromBonus),
        wallet.currency,
        op.roundId,
        op.kind === 'rollback' ? null : benchGame,
        entry.reference,
      ],
    });
    const ledgerId = inserted.rows[0]?.ledger_id;
    // Idempotency: the id is taken, so this is a replay; the transaction is rolled back and answered as a duplicate.
    if (ledgerId === undefined) throw new Refusal('DUPLICATE_TRANSACTION');
    const nonZero = entry.legs.filter((leg) => leg.amount !== 0n);
    if (nonZero.length === 0) return;
    await client.query({ ...updateWallet, values: [op.playerId, String(entry.cash), String(entry.bonus)] });
    await client.query({
      ...insertPostings,
      values: [
        ledgerId,
        wallet.currency,
        nonZero.map((_, leg) => leg),
        nonZero.map((leg) => leg.account),
        nonZero.map((leg) => leg.playerId),
        nonZero.map((leg) => String(leg.amount)),
      ],
    });
  }

  private entryOf(client: pg.PoolClient, op: Op, wallet: WalletRow): Promise<Entry> {
    switch (op.kind) {
      case 'bet':
        return this.betEntry(client, op, wallet);
      case 'win':
        return this.winEntry(client, op, wallet);
      case 'rollback':
        return this.rollbackEntry(client, op, wallet);
    }
  }

  private async betEntry(client: pg.PoolClient, op: OpOf<'bet'>, wallet: WalletRow): Promise<Entry> {
    const cash = BigInt(wallet.cash);
    const bonus = BigInt(wallet.bonus);
    if (wallet.status !== 'active') throw new Refusal('PLAYER_BLOCKED');
    if (cash + bonus < op.amount) return this.refuseUnlessReplay(client, op, 'INSUFFICIENT_FUNDS');
    // bonus first, as the engine's default funds order.
    const fromBonus = bonus < op.amount ? bonus : op.amount;
    const fromCash = op.amount - fromBonus;
    const legs = [
      { account: 'cash', playerId: op.playerId, amount: -fromCash },
      { account: 'bonus', playerId: op.playerId, amount: -fromBonus },
      { account: 'house:games', playerId: null, amount: op.amount },
    ];
    return { amount: op.amount, fromCash, fromBonus, reference: null, legs, cash: cash - fromCash, bonus: bonus - fromBonus };
  }

  /** A win is split between cash and bonus in the proportion the round's standing bets were. */
  private async winEntry(client: pg.PoolClient, op: OpOf<'win'>, wallet: WalletRow): Promise<Entry> {
    const round = (await client.query<RoundRow>({ ...readRound, values: [op.playerId, benchSource, op.roundId] })).rows;
    const standing = standingBets(round);
    if (round.every((row) => row.kind !== 'bet')) return this.refuseUnlessReplay(client, op, 'ROUND_NOT_FOUND');
    if (standing.length === 0) return this.refuseUnlessReplay(client, op, 'TRANSACTION_ROLLED_BACK');
    const stakeCash = standing.reduce((sum, row) => sum + BigInt(row.cash_amount), 0n);
    const stakeBonus = standing.reduce((sum, row) => sum + BigInt(row.bonus_amount), 0n);
    const total = stakeCash + stakeBonus;
    const fromBonus = total === 0n ? 0n : (op.amount * stakeBonus) / total;
    const fromCash = op.amount - fromBonus;
    const legs = [
      { account: 'house:games', playerId: null, amount: -op.amount },
      { account: 'cash', playerId: op.playerId, amount: fromCash },
      { account: 'bonus', playerId: op.playerId, amount: fromBonus },
    ];
    return { amount: op.amount, fromCash, fromBonus, reference: null, legs, cash: BigInt(wallet.cash) + fromCash, bonus: BigInt(wallet.bonus) + fromBonus };
  }

  /** A rollback returns the bet's cash and bonus; one already rolled back is recorded again with no postings. */
  private async rollbackEntry(client: pg.PoolClient, op: OpOf<'rollback'>, wallet: WalletRow): Promise<Entry> {
    const round = (await client.query<RoundRow>({ ...readRound, values: [op.playerId, benchSource, op.roundId] })).rows;
    const stake = round.find((row) => row.kind === 'bet' && row.transaction_id === op.bet.transactionId);
    if (stake === undefined) return this.refuseUnlessReplay(client, op, 'BET_NOT_FOUND');
    const reference = op.bet.transactionId;
    const cash = BigInt(wallet.cash);
    const bonus = BigInt(wallet.bonus);
    if (round.some((row) => row.kind === 'rollback' && row.reference_transaction_id === op.bet.transactionId)) {
      return { amount: 0n, fromCash: 0n, fromBonus: 0n, reference, legs: [], cash, bonus };
    }
    if (round.some((row) => row.kind === 'win')) return this.refuseUnlessReplay(client, op, 'ALREADY_SETTLED');
    const fromCash = BigInt(stake.cash_amount);
    const fromBonus = BigInt(stake.bonus_amount);
    const legs = [
      { account: 'cash', playerId: op.playerId, amount: fromCash },
      { account: 'bonus', playerId: op.playerId, amount: fromBonus },
      { account: 'house:games', playerId: null, amount: -(fromCash + fromBonus) },
    ];
    return { amount: 0n, fromCash, fromBonus, reference, legs, cash: cash + fromCash, bonus: bonus + fromBonus };
  }

  /** A refusal, unless the id was already applied (then the replay is answered as a duplicate). */
  private async refuseUnlessReplay(client: pg.PoolClient, op: Op, code: string): Promise<never> {
    const existing = await client.query({ ...findTransaction, values: [benchSource, op.transactionId] });
    throw new Refusal(existing.rowCount === 0 ? code : 'DUPLICATE_TRANSACTION');
  }

  /** Runs the project's ledger verification query against the baseline's tables (same names and columns). */
  async verifyLedger(): Promise<unknown[]> {
    const sql = await readFile(new URL('../src/store/verify-ledger.sql', import.meta.url), 'utf8');
    return (await this.pool.query(sql)).rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function standingBets(round: readonly RoundRow[]): RoundRow[] {
  const rolledBack = new Set(round.filter((row) => row.kind === 'rollback' || row.kind === 'tombstone').map((row) => row.reference_transaction_id));
  return round.filter((row) => row.kind === 'bet' && !rolledBack.has(row.transaction_id));
}
