-- The operator audit trail: every operator call that changes state, with who made it (the key's
-- id, never the key), when, the request id and the change. Calls that move money go through the
-- engine, which writes their row in the same statement as the batch that applies them; the
-- other changes (providers, campaigns, games) write theirs in the same transaction as the change.
CREATE TABLE audit_log (
  audit_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  request_id text,
  action     text NOT NULL,
  target     text COLLATE "C",
  change     jsonb NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target, audit_id);
