-- Game providers registered through the operator API. The secret is the provider's HMAC key:
-- it must be readable to verify signatures, so it is never returned by the API nor logged.
CREATE TABLE providers (
  provider_id      text COLLATE "C" PRIMARY KEY,
  secret           text NOT NULL,
  rollback_unknown text NOT NULL CHECK (rollback_unknown IN ('ok', 'error')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
