-- The wallet ledger. Balances live on players; every movement is an append-only transaction
-- with postings that sum to zero. Idempotency is backed by the unique (source, transaction_id).

CREATE TABLE croupier_settings (
  name  text PRIMARY KEY,
  value text NOT NULL
);

-- One row per partition. A writer commits only while it holds the partition's current epoch.
CREATE TABLE partitions (
  partition        integer PRIMARY KEY,
  epoch            bigint  NOT NULL,
  next_ledger_seq  bigint  NOT NULL DEFAULT 0,
  batches          bigint  NOT NULL DEFAULT 0,
  owner            text,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Ids are opaque ASCII (validated at the edge): they compare bytewise (COLLATE "C"), which keeps
-- every index on them clear of the locale's much slower collation rules.
CREATE TABLE players (
  player_id  text COLLATE "C" PRIMARY KEY,
  currency   text NOT NULL,
  status     text NOT NULL CHECK (status IN ('active', 'blocked')),
  cash       numeric NOT NULL CHECK (cash >= 0 AND cash = trunc(cash)),
  bonus      numeric NOT NULL CHECK (bonus >= 0 AND bonus = trunc(bonus)),
  version    bigint NOT NULL,
  created_at timestamptz NOT NULL
) WITH (fillfactor = 70); -- room on each page, so that balance updates stay HOT (no index writes)

-- One row per transaction, carrying its ledger legs: the player's cash leg, the player's bonus
-- leg and one counter leg (a house or world account). The legs sum to zero on every row, which
-- the database itself checks; the `postings` view below lists them one leg per row.
-- ledger_id = partition * 2^40 + the partition's sequence: unique, and ordered per player.
CREATE TABLE transactions (
  ledger_id                bigint NOT NULL,
  source                   text COLLATE "C" NOT NULL,
  transaction_id           text COLLATE "C" NOT NULL,
  player_id                text COLLATE "C" NOT NULL,
  kind                     text NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'bet', 'win', 'rollback', 'bonus_grant', 'tombstone')),
  amount                   numeric NOT NULL,
  currency                 text NOT NULL,
  round_id                 text COLLATE "C",
  game_id                  text COLLATE "C",
  reference_transaction_id text COLLATE "C",
  cash_delta               numeric NOT NULL,
  bonus_delta              numeric NOT NULL,
  counter_account          text CHECK (counter_account IN ('house:games', 'house:bonus', 'world:payments')),
  counter_delta            numeric NOT NULL,
  created_at               timestamptz NOT NULL,
  CONSTRAINT transactions_legs_balance CHECK (cash_delta + bonus_delta + counter_delta = 0),
  CONSTRAINT transactions_counter_named CHECK (counter_account IS NOT NULL OR counter_delta = 0),
  CONSTRAINT transactions_player_ledger PRIMARY KEY (player_id, ledger_id),
  CONSTRAINT transactions_source_id UNIQUE (source, transaction_id)
);

CREATE INDEX transactions_round ON transactions (player_id, source, round_id) WHERE round_id IS NOT NULL;

CREATE VIEW postings AS
SELECT t.ledger_id, leg.leg, leg.account, leg.player_id, t.currency, leg.amount
FROM transactions t
CROSS JOIN LATERAL (VALUES
  (1::smallint, 'cash'::text, t.player_id, t.cash_delta),
  (2::smallint, 'bonus'::text, t.player_id, t.bonus_delta),
  (3::smallint, t.counter_account, NULL::text, t.counter_delta)
) AS leg (leg, account, player_id, amount)
WHERE leg.amount <> 0;

-- Business refusals (insufficient funds, blocked player, ...): the audit trace of what did not move.
CREATE TABLE refusals (
  refusal_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source         text NOT NULL,
  transaction_id text NOT NULL,
  player_id      text NOT NULL,
  kind           text NOT NULL,
  code           text NOT NULL,
  created_at     timestamptz NOT NULL
);

-- Raises inside a statement so that a failed fence or version check aborts the whole batch.
CREATE FUNCTION croupier_assert(ok boolean, message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION '%', message USING ERRCODE = 'P0001';
  END IF;
  RETURN true;
END
$$;
