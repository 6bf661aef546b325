import type { UnknownBetPolicy } from '../core/commands.js';
import type { AuditDraft } from './audit-log.js';

/** What an operator sets on a provider besides its secret. */
export interface ProviderSettings {
  readonly rollbackUnknown: UnknownBetPolicy;
  /** The most one win may pay, in minor units of the round's currency; null: no cap of its own. */
  readonly winMax: bigint | null;
  /** The most all the wins of one round may pay together; null: no cap of its own. */
  readonly roundPayoutMax: bigint | null;
}

/** A provider registered through the operator API (providers from the environment are not stored). */
export interface StoredProvider extends ProviderSettings {
  readonly providerId: string;
  readonly secret: string;
  /** The secret before the last rotation, accepted until `previousSecretExpiresAt`. */
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: Date | null;
}

/** A rotation: the new secret, and until when the one it replaces keeps verifying. */
export interface SecretRotation {
  readonly secret: string;
  readonly previousSecretExpiresAt: Date;
}

/**
 * Where registered providers are kept. Every change writes its audit row in the same statement,
 * and a change that finds no provider (or, for `create`, finds one) changes nothing.
 */
export interface ProviderStorage {
  all(): Promise<StoredProvider[]>;
  /** Registers the provider; when its id is taken, changes nothing and answers the provider that holds it. */
  create(provider: Omit<StoredProvider, 'previousSecret' | 'previousSecretExpiresAt'>, audit: AuditDraft): Promise<StoredProvider | null>;
  /** Changes the settings named; undefined when there is no such provider. */
  update(providerId: string, change: Partial<ProviderSettings>, audit: AuditDraft): Promise<StoredProvider | undefined>;
  /** Replaces the secret, keeping the current one as the previous until the rotation says. */
  rotateSecret(providerId: string, rotation: SecretRotation, audit: AuditDraft): Promise<StoredProvider | undefined>;
}
