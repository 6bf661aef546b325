import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface OperatorKeys {
  readonly keys: readonly string[];
  /** Set when no key was configured and a development key was made up for this run. */
  readonly generated: string | null;
}

/**
 * Operator API keys from CROUPIER_OPERATOR_KEYS (comma list). Without any, a development key
 * is generated for this run — but never in production, where starting without keys is refused.
 */
export function operatorKeysFromEnvironment(text: string | undefined, nodeEnv: string | undefined): OperatorKeys {
  const keys = (text ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');
  if (keys.length > 0) {
    if (keys.some((key) => key.length < 16)) throw new Error('every key in CROUPIER_OPERATOR_KEYS must be at least 16 characters');
    return { keys, generated: null };
  }
  if (nodeEnv === 'production') {
    throw new Error('CROUPIER_OPERATOR_KEYS is not set: refusing to start in production without operator API keys');
  }
  const generated = `dev_${randomBytes(24).toString('base64url')}`;
  return { keys: [generated], generated };
}

/** A short, stable, non-secret name for a key: for logs and rate-limit buckets, never the key itself. */
export function keyFingerprint(key: string): string {
  return hash('sha256', key, 'hex').slice(0, 12);
}

/** Finds the key a bearer token matches, comparing digests in constant time. */
export function matchKey(keys: readonly string[], presented: string): string | null {
  // One-shot hashes: createHash would make a native object per call for the collector to finalise.
  const digest = hash('sha256', presented, 'buffer');
  let match: string | null = null;
  for (const key of keys) {
    if (timingSafeEqual(hash('sha256', key, 'buffer'), digest)) match = key;
  }
  return match;
}
