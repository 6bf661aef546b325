-- croupier_assert raises a SQLSTATE of its own for each failed check, so that the store tells a
-- fenced writer from a lost update by the error's code, never by its message text. The codes are
-- in class CR (Croupier, no standard class), listed with their meaning in src/store/store-errors.ts:
--   CR001  fenced: the partition's epoch is not the writer's (another node took the partition)
--   CR002  stale wallet: fewer player rows matched the version read than were sent
--   CR003  stale grant: fewer bonus grant rows matched than were sent
CREATE FUNCTION croupier_assert(ok boolean, sqlstate text, message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message;
  END IF;
  RETURN true;
END
$$;

-- The two-argument version (every failure raised as P0001) stays for one release: a node of the
-- previous version still calls it during a rolling upgrade. Drop it in a later migration.
