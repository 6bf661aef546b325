import { repeat } from '../../util/repeat.js';
import type { UnknownBetPolicy } from '../../core/commands.js';
import type { ProviderStorage } from '../../ports/provider-storage.js';

export interface Provider {
  readonly providerId: string;
  readonly secret: string;
  readonly rollbackUnknown: UnknownBetPolicy;
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
    return { providerId, secret, rollbackUnknown: 'ok' as const, configuredBy: 'environment' as const };
  });
}

/**
 * The providers this node accepts: from the environment and from the store. The store is read
 * at start, after each registration through this node, and every `refreshMs` so that a provider
 * registered through another node is accepted here too.
 */
export class ProviderRegistry {
  private registered = new Map<string, Provider>();
  private stopRefreshing: () => void = () => undefined;

  constructor(
    private readonly fromEnvironment: readonly Provider[],
    private readonly store: ProviderStorage,
  ) {}

  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.stopRefreshing = repeat(refreshMs, () => this.refresh());
  }

  stop(): void {
    this.stopRefreshing();
  }

  find(providerId: string): Provider | undefined {
    return this.fromEnvironment.find((provider) => provider.providerId === providerId) ?? this.registered.get(providerId);
  }

  list(): Provider[] {
    const environmentIds = new Set(this.fromEnvironment.map((provider) => provider.providerId));
    return [...this.fromEnvironment, ...[...this.registered.values()].filter((provider) => !environmentIds.has(provider.providerId))];
  }

  isFromEnvironment(providerId: string): boolean {
    return this.fromEnvironment.some((provider) => provider.providerId === providerId);
  }

  async register(provider: Omit<Provider, 'configuredBy'>): Promise<void> {
    await this.store.upsert(provider);
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const stored = await this.store.all();
    this.registered = new Map(stored.map((provider) => [provider.providerId, { ...provider, configuredBy: 'operator' as const }]));
  }
}
