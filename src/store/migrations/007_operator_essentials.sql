-- The operator's essentials (issue 14: points 7, 17, 18, 19).

-- A provider's secret is rotated with an overlap: the previous secret keeps verifying until
-- previous_secret_expires_at. A provider may also cap what it pays: one win, and all the wins of
-- one round (minor units of the round's currency; NULL is no cap of its own).
ALTER TABLE providers ADD COLUMN previous_secret text;
ALTER TABLE providers ADD COLUMN previous_secret_expires_at timestamptz;
ALTER TABLE providers ADD COLUMN max_win numeric CHECK (max_win >= 0 AND max_win = trunc(max_win));
ALTER TABLE providers ADD COLUMN max_round_payout numeric CHECK (max_round_payout >= 0 AND max_round_payout = trunc(max_round_payout));
ALTER TABLE providers ADD CONSTRAINT providers_previous_secret_expires
  CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL));

-- GET /v1/audit filters by action as well as by target.
CREATE INDEX audit_log_action ON audit_log (action, audit_id);

-- The GGR report reads the ledger by time. Rows arrive in nearly increasing created_at order, so
-- a BRIN index (a few pages, next to nothing per insert) narrows a report to the blocks of its
-- range without adding a B-tree write to every committed bet.
CREATE INDEX transactions_created_brin ON transactions USING brin (created_at);
