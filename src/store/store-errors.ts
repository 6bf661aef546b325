/**
 * The store's errors, classified in one place by SQLSTATE and constraint name, never by message
 * text (which changes with the server's version, language and wording). node-postgres and PGlite
 * both reject a failed statement with an error that carries `code` (the SQLSTATE) and, for a
 * constraint violation, `constraint` (test/store/store-errors.test.ts holds both to it).
 */

/**
 * Why a commit statement refused its batch: each check raises, through croupier_assert, a
 * SQLSTATE of its own in class CR (Croupier), as declared in migrations/005_assert_sqlstate.sql.
 * The messages are for people reading the server's log; nothing matches on them.
 */
export const commitRefusals = {
  /** The partition's epoch is not the writer's: another node took the partition. */
  fenced: { sqlstate: 'CR001', message: 'the partition epoch moved: another writer owns the partition' },
  /** Fewer player rows matched the version read than were sent: a lost update. */
  staleWallet: { sqlstate: 'CR002', message: 'a wallet changed after it was read' },
  /** Fewer bonus grant rows matched than were sent. */
  staleGrant: { sqlstate: 'CR003', message: 'a bonus grant changed after it was read' },
} as const satisfies Record<string, { readonly sqlstate: `CR${string}`; readonly message: string }>;

export type CommitRefusal = keyof typeof commitRefusals;

export type StoreErrorKind = CommitRefusal | 'transactionIdConflict' | 'unclassified';

const uniqueViolation = '23505';

/**
 * The unique constraints whose violation means an id was taken meanwhile: a transaction id
 * (migrations/001_ledger.sql), or a bonus grant id (the primary key of bonus_grants,
 * migrations/003_bonuses.sql), which a replayed deposit that claims a bonus collides with.
 */
const idConstraints: ReadonlySet<string> = new Set(['transactions_source_id', 'bonus_grants_pkey']);

const refusalsBySqlstate: ReadonlyMap<string, CommitRefusal> = new Map(
  Object.entries(commitRefusals).map(([refusal, { sqlstate }]) => [sqlstate, refusal as CommitRefusal]),
);

export function storeErrorKind(error: unknown): StoreErrorKind {
  const { code, constraint } = sqlErrorFields(error);
  if (code === undefined) return 'unclassified';
  const refusal = refusalsBySqlstate.get(code);
  if (refusal !== undefined) return refusal;
  if (code === uniqueViolation && constraint !== undefined && idConstraints.has(constraint)) return 'transactionIdConflict';
  return 'unclassified';
}

/** The fields both adapters' errors carry; undefined when the error is not a database error. */
export function sqlErrorFields(error: unknown): { code: string | undefined; constraint: string | undefined } {
  if (typeof error !== 'object' || error === null) return { code: undefined, constraint: undefined };
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return { code: typeof code === 'string' ? code : undefined, constraint: typeof constraint === 'string' ? constraint : undefined };
}
