import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface OperatorKeys {
  readonly keys: readonly string[];
  /** Set when no key was configured: the development key, made up on a first run. */
  readonly generated: string | null;
  /** Where the development key is kept between runs; null with configured keys or a key for this run only. */
  readonly generatedFile: string | null;
}

/** The development key's file in the data folder. */
export const developmentKeyFileName = 'dev-operator-key';

/**
 * Operator API keys from CROUPIER_OPERATOR_KEYS (comma list). Without any, a development key is
 * used — never in production, where starting without keys is refused. With `keyFile` the key is
 * kept there (mode 0600), so that a restart keeps the key a developer already uses; without it
 * the key lasts for this run.
 */
export function operatorKeysFromEnvironment(text: string | undefined, nodeEnv: string | undefined, keyFile?: string): OperatorKeys {
  const keys = (text ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');
  if (keys.length > 0) {
    if (keys.some((key) => key.length < 16)) throw new Error('every key in CROUPIER_OPERATOR_KEYS must be at least 16 characters');
    return { keys, generated: null, generatedFile: null };
  }
  if (nodeEnv === 'production') {
    throw new Error('CROUPIER_OPERATOR_KEYS is not set: refusing to start in production without operator API keys');
  }
  const generated = keyFile === undefined ? newDevelopmentKey() : keptDevelopmentKey(keyFile);
  return { keys: [generated], generated, generatedFile: keyFile ?? null };
}

function newDevelopmentKey(): string {
  return `dev_${randomBytes(24).toString('base64url')}`;
}

const developmentKeyPattern = /^dev_[A-Za-z0-9_-]{32}$/;

/** The key kept in `file`, made and written (0600, only if still absent) on the first run. */
function keptDevelopmentKey(file: string): string {
  const kept = readKey(file);
  if (kept !== null) return kept;
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${newDevelopmentKey()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  // Read back: a process that started at the same moment may have written its key first.
  const written = readKey(file);
  if (written === null) throw new Error(`the development operator key file ${file} vanished while it was written`);
  return written;
}

function readKey(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    throw error;
  }
  const key = text.trim();
  if (!developmentKeyPattern.test(key)) throw new Error(`${file} does not hold a development operator key (dev_ and 32 characters): remove it to have a new one made`);
  // The file is a credential: only its owner reads it, whatever mode it was left with.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return key;
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
