import type { UnknownBetPolicy } from '../core/commands.js';

/** A provider registered through the operator API (providers from the environment are not stored). */
export interface StoredProvider {
  readonly providerId: string;
  readonly secret: string;
  readonly rollbackUnknown: UnknownBetPolicy;
}

export interface ProviderStorage {
  all(): Promise<StoredProvider[]>;
  /** Registers the provider, or replaces its secret and policy. */
  upsert(provider: StoredProvider): Promise<void>;
}
