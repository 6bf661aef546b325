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

CREATE TABLE players (
  player_id  text PRIMARY KEY,
  currency   text NOT NULL,
  status     text NOT NULL CHECK (status IN ('active', 'blocked')),
  cash       numeric NOT NULL CHECK (cash >= 0 AND cash = trunc(cash)),
  bonus      numeric NOT NULL CHECK (bonus >= 0 AND bonus = trunc(bonus)),
  version    bigint NOT NULL,
  created_at timestamptz NOT NULL
);

-- ledger_id = partition * 2^40 + the partition's sequence: unique, and ordered per player.
CREATE TABLE transactions (
  ledger_id                bigint PRIMARY KEY,
  source                   text NOT NULL,
  transaction_id           text NOT NULL,
  player_id                text NOT NULL,
  kind                     text NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'bet', 'win', 'rollback', 'bonus_grant', 'tombstone')),
  amount                   numeric NOT NULL,
  cash_amount              numeric NOT NULL,
  bonus_amount             numeric NOT NULL,
  currency                 text NOT NULL,
  round_id                 text,
  game_id                  text,
  reference_transaction_id text,
  created_at               timestamptz NOT NULL,
  CONSTRAINT transactions_source_id UNIQUE (source, transaction_id)
);

CREATE INDEX transactions_round ON transactions (player_id, source, round_id) WHERE round_id IS NOT NULL;

CREATE TABLE postings (
  ledger_id bigint   NOT NULL,
  leg       smallint NOT NULL,
  account   text     NOT NULL,
  player_id text,
  currency  text     NOT NULL,
  amount    numeric  NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (ledger_id, leg)
);

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
