-- A refusal takes a number from its partition's sequence, like a transaction or a bonus event,
-- so that every event a subscriber was told of can be read back from the store by partition and
-- sequence. Rows written before this migration have none.
ALTER TABLE refusals ADD COLUMN ledger_id bigint;
CREATE UNIQUE INDEX refusals_ledger_id ON refusals (ledger_id) WHERE ledger_id IS NOT NULL;
