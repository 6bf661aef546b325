-- Proves the ledger: every row returned is a violation, so an empty result means it balances.
-- 1. Each transaction's postings sum to zero per currency.
SELECT 'unbalanced_transaction' AS problem, ledger_id::text AS subject, currency, sum(amount)::text AS amount
FROM postings GROUP BY ledger_id, currency HAVING sum(amount) <> 0
UNION ALL
-- 2. All postings of a currency sum to zero.
SELECT 'unbalanced_currency', currency, currency, sum(amount)::text
FROM postings GROUP BY currency HAVING sum(amount) <> 0
UNION ALL
-- 3. Each stored player balance equals the sum of its postings.
SELECT 'balance_mismatch', p.player_id, p.currency, (p.cash - coalesce(s.cash, 0))::text || '/' || (p.bonus - coalesce(s.bonus, 0))::text
FROM players p
LEFT JOIN (
  SELECT player_id,
         sum(amount) FILTER (WHERE account = 'cash') AS cash,
         sum(amount) FILTER (WHERE account = 'bonus') AS bonus
  FROM postings WHERE player_id IS NOT NULL GROUP BY player_id
) s ON s.player_id = p.player_id
WHERE p.cash <> coalesce(s.cash, 0) OR p.bonus <> coalesce(s.bonus, 0)
UNION ALL
-- 4. Postings to player accounts that belong to no player, or in another currency than the player's.
SELECT 'orphan_posting', po.ledger_id::text, po.currency, po.amount::text
FROM postings po LEFT JOIN players p ON p.player_id = po.player_id
WHERE po.player_id IS NOT NULL AND (p.player_id IS NULL OR p.currency <> po.currency)
UNION ALL
-- 5. Two transactions sharing a ledger id.
SELECT 'duplicate_ledger_id', ledger_id::text, min(currency), count(*)::text
FROM transactions GROUP BY ledger_id HAVING count(*) > 1
