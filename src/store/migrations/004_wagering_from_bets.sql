-- An active grant's open rounds and wagering progress are rebuilt from its bets when a player
-- loads, instead of being rewritten in the grant row by every bet. This index finds those bets.
ALTER TABLE bonus_grants DROP COLUMN open_rounds;
CREATE INDEX IF NOT EXISTS transactions_grant_bets ON transactions (player_id, bonus_grant_id) WHERE kind = 'bet' AND bonus_grant_id IS NOT NULL;

-- The grants as the operator sees them: an active grant's progress is the contributions of its
-- bets that were not rolled back (what the engine holds); an ended grant's is its row's.
CREATE VIEW bonus_grants_now AS
SELECT g.*,
       CASE WHEN g.state = 'active' THEN (
         SELECT coalesce(sum(b.contribution), 0) FROM transactions b
         WHERE b.player_id = g.player_id AND b.bonus_grant_id = g.grant_id AND b.kind = 'bet'
           AND NOT EXISTS (
             SELECT 1 FROM transactions r
             WHERE r.player_id = b.player_id AND r.source = b.source AND r.round_id = b.round_id
               AND r.kind = 'rollback' AND r.reference_transaction_id = b.transaction_id))
       ELSE g.progress END AS progress_now
FROM bonus_grants g;
