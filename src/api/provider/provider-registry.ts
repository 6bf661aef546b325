import { repeat } from '../../util/repeat.js';
import type { UnknownBetPolicy } from '../../core/commands.js';
import type { AuditDraft } from '../../ports/audit-log.js';
import type { ProviderSettings, ProviderStorage, SecretRotation, StoredProvider } from '../../ports/provider-storage.js';

export interface Provider {
  readonly providerId: string;
  /** The secrets a signature may be made with now, the current one first (two while a rotation overlaps). */
  readonly secrets: readonly string[];
  readonly rollbackUnknown: UnknownBetPolicy;
  /** The provider's own payout caps (minor units of the round's currency); null: none. */
  readonly winMax: bigint | null;
  readonly roundPayoutMax: bigint | null;
  /** Until when the secret before the last rotation verifies; null when it no longer does. */
  readonly previousSecretExpiresAt: Date | null;
  /** `environment` (CROUPIER_PROVIDERS) or `operator` (registered through the API). */
  readonly configuredBy: 'environment' | 'operator';
}

/**
 * Parses CROUPIER_PROVIDERS: a comma list of `id:secret` pairs (a secret may contain ':').
 * Providers from the environment answer `ok` to rollbacks of unknown bets.
 */
export function providersFromEnvironment(text: string | undefined): Provider[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((pair) => {
    const separator = pair.indexOf(':');
    const providerId = pair.slice(0, separator).trim();
    const secret = pair.slice(separator + 1).trim();
    if (separator <= 0 || secret === '') throw new Error('CROUPIER_PROVIDERS must be a comma list of id:secret pairs');
    return { providerId, secrets: [secret], rollbackUnknown: 'ok' as const, winMax: null, roundPayoutMax: null, previousSecretExpiresAt: null, configuredBy: 'environment' as const };
  });
}

/**
 * The providers this node accepts: from the environment and from the store. The store is read
 * at start, after each change made through this node, and every `refreshMs`, so that a change
 * made through another node applies here too within `refreshMs`. A previous secret's expiry is
 * checked on every look-up against this node's clock, so it ends on time between refreshes.
 */
export class ProviderRegistry {
  private registered = new Map<string, Versions>();
  private stopRefreshing: () => void = () => undefined;
  private refreshesStarted = 0;
  private latestApplied = 0;
  private refreshMs = 0;

  constructor(
    private readonly fromEnvironment: readonly Provider[],
    private readonly store: ProviderStorage,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** How long a change made through another node may take to apply here. */
  get refreshIntervalMs(): number {
    return this.refreshMs;
  }

  async start(refreshMs: number): Promise<void> {
    this.refreshMs = refreshMs;
    await this.refresh();
    this.stopRefreshing = repeat(refreshMs, () => this.refresh());
  }

  stop(): void {
    this.stopRefreshing();
  }

  find(providerId: string): Provider | undefined {
    const configured = this.fromEnvironment.find((provider) => provider.providerId === providerId);
    if (configured !== undefined) return configured;
    const versions = this.registered.get(providerId);
    return versions === undefined ? undefined : versionAt(versions, this.nowMs());
  }

  list(): Provider[] {
    const environmentIds = new Set(this.fromEnvironment.map((provider) => provider.providerId));
    const now = this.nowMs();
    const stored = [...this.registered.values()].map((versions) => versionAt(versions, now));
    return [...this.fromEnvironment, ...stored.filter((provider) => !environmentIds.has(provider.providerId))];
  }

  isFromEnvironment(providerId: string): boolean {
    return this.fromEnvironment.some((provider) => provider.providerId === providerId);
  }

  /** Registers a provider; when the id is taken, changes nothing and answers the provider that holds it. */
  async create(provider: { readonly providerId: string; readonly secret: string } & ProviderSettings, audit: AuditDraft): Promise<StoredProvider | null> {
    const holder = await this.store.create(provider, audit);
    await this.refresh();
    return holder;
  }

  async update(providerId: string, change: Partial<ProviderSettings>, audit: AuditDraft): Promise<StoredProvider | undefined> {
    const updated = await this.store.update(providerId, change, audit);
    await this.refresh();
    return updated;
  }

  async rotateSecret(providerId: string, rotation: SecretRotation, audit: AuditDraft): Promise<StoredProvider | undefined> {
    const rotated = await this.store.rotateSecret(providerId, rotation, audit);
    await this.refresh();
    return rotated;
  }

  async refresh(): Promise<void> {
    // A timed refresh that read the store before a change must not overwrite what a later read saw.
    this.refreshesStarted += 1;
    const ticket = this.refreshesStarted;
    const stored = await this.store.all();
    if (ticket < this.latestApplied) return;
    this.latestApplied = ticket;
    this.registered = new Map(stored.map((provider) => [provider.providerId, versionsOf(provider)]));
  }
}

/**
 * A stored provider as it verifies while its previous secret overlaps, and after; made once per
 * refresh, so that a look-up (one per provider call) allocates nothing.
 */
interface Versions {
  readonly overlapping: Provider;
  readonly current: Provider;
}

function versionsOf(stored: StoredProvider): Versions {
  const common = {
    providerId: stored.providerId,
    rollbackUnknown: stored.rollbackUnknown,
    winMax: stored.winMax,
    roundPayoutMax: stored.roundPayoutMax,
    configuredBy: 'operator' as const,
  };
  const current: Provider = { ...common, secrets: [stored.secret], previousSecretExpiresAt: null };
  if (stored.previousSecret === null || stored.previousSecretExpiresAt === null) return { overlapping: current, current };
  return { overlapping: { ...common, secrets: [stored.secret, stored.previousSecret], previousSecretExpiresAt: stored.previousSecretExpiresAt }, current };
}

/** The previous secret verifies strictly before its expiry. */
function versionAt(versions: Versions, nowMs: number): Provider {
  const expiresAt = versions.overlapping.previousSecretExpiresAt;
  return expiresAt !== null && nowMs < expiresAt.getTime() ? versions.overlapping : versions.current;
}
