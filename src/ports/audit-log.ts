/** Every operator change the audit log records: `<resource>.<what was done>`. */
export const auditActions = [
  'player.register',
  'player.block',
  'player.unblock',
  'player.deposit',
  'player.withdrawal',
  'bonus.grant',
  'bonus.cancel',
  'bonus.opt_in',
  'provider.create',
  'provider.update',
  'provider.secret_rotation',
  'campaign.create',
  'campaign.update',
  'game.put',
] as const;

export type AuditAction = (typeof auditActions)[number];

/** Who made a change and in which request: the operator key's id (never the key) and the request id. */
export interface AuditActor {
  readonly actor: string;
  readonly requestId: string;
}

/**
 * One change to record, written by the store in the same statement or transaction as the change
 * itself, so that a change is recorded if and only if it was made. `change` never holds a secret.
 */
export interface AuditRecord extends AuditActor {
  readonly at: Date;
  readonly action: AuditAction;
  /** What was changed: a player, provider, campaign or game id. */
  readonly target: string;
  readonly change: Readonly<Record<string, unknown>>;
}

/** A change's audit row before the store adds what changed, from the rows it changes. */
export type AuditDraft = Omit<AuditRecord, 'change'>;

/** A recorded change as it is read back; the id orders the log. */
export interface AuditEntry extends AuditRecord {
  readonly auditId: bigint;
}

export interface AuditFilter {
  readonly target: string | null;
  readonly action: AuditAction | null;
}

/** The most entries one page of the audit log holds. */
export const auditPageMax = 200;

/** The audit log, newest first; engine commands write theirs with their batch, other changes with theirs. */
export interface AuditReader {
  /** `before` is the audit id of the last entry of the previous page. */
  page(filter: AuditFilter, limit: number, before: bigint | null): Promise<AuditEntry[]>;
}
