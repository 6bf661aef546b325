-- A grant's open rounds are rebuilt from its bonus-funded bets when a player loads, instead of
-- being rewritten in the grant row by every bonus-funded bet. This index finds those bets.
ALTER TABLE bonus_grants DROP COLUMN open_rounds;
CREATE INDEX transactions_bonus_stakes ON transactions (player_id, bonus_grant_id) WHERE bonus_delta < 0;
