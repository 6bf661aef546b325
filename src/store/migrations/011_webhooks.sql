-- Operator webhooks (docs/webhooks.md). The secret signs deliveries: it must be readable to sign,
-- so it is returned once, at registration, and never again nor logged.
CREATE TABLE webhooks (
  webhook_id        text COLLATE "C" PRIMARY KEY,
  url               text NOT NULL,
  event_types       text[] NOT NULL,
  secret            text NOT NULL,
  status            text NOT NULL CHECK (status IN ('active', 'suspended')),
  suspended_reason  text,
  suspended_at      timestamptz,
  -- Events that matched while the endpoint was suspended: counted, never delivered.
  skipped_events    bigint NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per (endpoint, event): the event id is its ledger id, so a replayed insert changes nothing.
CREATE TABLE webhook_deliveries (
  webhook_id       text COLLATE "C" NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  event_id         bigint NOT NULL,
  event_type       text NOT NULL,
  body             text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  next_attempt_at  timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (webhook_id, event_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- How far the dispatcher has turned each partition's committed events into deliveries.
CREATE TABLE webhook_progress (
  partition      integer PRIMARY KEY,
  next_sequence  bigint NOT NULL
);
