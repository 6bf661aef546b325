-- Bonus wagering: campaigns, the games catalogue, grants with their wagering progress, and the
-- transactional outbox of domain events (written in the same statement as the batch).

ALTER TABLE transactions DROP CONSTRAINT transactions_kind_check;
ALTER TABLE transactions ADD CONSTRAINT transactions_kind_check
  CHECK (kind IN ('deposit', 'withdrawal', 'bet', 'win', 'rollback', 'tombstone', 'bonus_credit', 'bonus_conversion', 'bonus_forfeit'));
-- The bonus active when a bet was placed, and what the bet added to its wagering.
ALTER TABLE transactions ADD COLUMN bonus_grant_id text COLLATE "C";
ALTER TABLE transactions ADD COLUMN contribution numeric NOT NULL DEFAULT 0;

ALTER TABLE players ADD COLUMN bonus_opt_ins text[] NOT NULL DEFAULT '{}';

CREATE TABLE games (
  game_id     text COLLATE "C" PRIMARY KEY,
  provider_id text COLLATE "C",
  category    text NOT NULL,
  name        text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A campaign's terms as a document: grants copy them, so editing a campaign never changes a granted bonus.
CREATE TABLE campaigns (
  campaign_id text COLLATE "C" PRIMARY KEY,
  code        text COLLATE "C" UNIQUE,
  terms       jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bonus_grants (
  player_id         text COLLATE "C" NOT NULL,
  grant_id          text COLLATE "C" NOT NULL,
  -- Order among the player's grants (grants made in the same millisecond keep their order).
  position          integer NOT NULL,
  campaign_id       text COLLATE "C" NOT NULL,
  state             text NOT NULL CHECK (state IN ('queued', 'active', 'completed', 'forfeited', 'expired', 'depleted', 'cancelled')),
  amount            numeric NOT NULL CHECK (amount >= 0),
  deposit_amount    numeric NOT NULL CHECK (deposit_amount >= 0),
  required          numeric NOT NULL CHECK (required >= 0),
  progress          numeric NOT NULL CHECK (progress >= 0),
  converted_amount  numeric NOT NULL DEFAULT 0,
  forfeited_amount  numeric NOT NULL DEFAULT 0,
  terms             jsonb NOT NULL,
  open_rounds       text[] NOT NULL DEFAULT '{}',
  granted_at        timestamptz NOT NULL,
  activated_at      timestamptz,
  expires_at        timestamptz,
  ended_at          timestamptz,
  PRIMARY KEY (player_id, grant_id)
) WITH (fillfactor = 70);

CREATE INDEX bonus_grants_campaign ON bonus_grants (campaign_id, state);
-- The expiry sweeper's question: which active bonuses are past their time?
CREATE INDEX bonus_grants_expiring ON bonus_grants (expires_at) WHERE state = 'active';

CREATE TABLE outbox (
  event_id   bigint PRIMARY KEY,
  player_id  text COLLATE "C" NOT NULL,
  type       text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  published_at timestamptz
);

CREATE INDEX outbox_unpublished ON outbox (event_id) WHERE published_at IS NULL;
