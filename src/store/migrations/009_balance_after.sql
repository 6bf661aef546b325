-- Each transaction keeps the player's balances once it was applied, so that its event (which
-- carries them) can be read back from the store whole, by partition and sequence, without
-- summing the player's history. Rows written before this migration have none.
ALTER TABLE transactions ADD COLUMN cash_after numeric;
ALTER TABLE transactions ADD COLUMN bonus_after numeric;
