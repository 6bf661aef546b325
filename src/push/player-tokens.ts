import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';

/** How long a player token lives unless the operator asks otherwise, and the longest it may. */
export const tokenTtlSecondsDefault = 15 * 60;
export const tokenTtlSecondsMax = 24 * 60 * 60;
/** A configured secret's shortest length: HS256 wants at least its 256 bits of key. */
export const tokenSecretLengthMin = 32;
/** The development secret's file in the data folder (next to the development operator key). */
export const developmentTokenSecretFileName = 'dev-player-token-secret';

const issuer = 'croupier';
const audience = 'croupier:stream';
const algorithm = 'HS256';

/** What a verified token says: whose events the socket may read, and until when. */
export interface PlayerClaims {
  readonly playerId: string;
  /** Milliseconds since the epoch. */
  readonly expiresAtMs: number;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAtMs: number;
}

/** Why a token is refused; each is a sentence the client can act on, never the secret. */
export type TokenRefusal = 'missing' | 'expired' | 'invalid';

/**
 * Short-lived player tokens for the WebSocket: JWTs signed HS256 with one secret the nodes
 * share (issuer `croupier`, audience `croupier:stream`, subject the player id). Only this
 * service issues and checks them, so a symmetric key is enough and verification costs one HMAC.
 */
export class PlayerTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (secret.length < tokenSecretLengthMin) throw new Error(`the player token secret must be at least ${tokenSecretLengthMin} characters`);
    this.key = new TextEncoder().encode(secret);
  }

  async issue(playerId: string, ttlSeconds: number = tokenTtlSecondsDefault): Promise<IssuedToken> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > tokenTtlSecondsMax) throw new Error(`invariant violated: a token lives 1..${tokenTtlSecondsMax} s`);
    const issuedAt = Math.floor(this.nowMs() / 1000);
    const expiresAt = issuedAt + ttlSeconds;
    const token = await new SignJWT({}).setProtectedHeader({ alg: algorithm }).setIssuer(issuer).setAudience(audience).setSubject(playerId).setIssuedAt(issuedAt).setExpirationTime(expiresAt).sign(this.key);
    return { token, expiresAtMs: expiresAt * 1000 };
  }

  /** The token's claims, or why it is refused: a bad signature, another audience or a malformed token are all `invalid`. */
  async verify(token: string | undefined): Promise<PlayerClaims | TokenRefusal> {
    if (token === undefined || token === '') return 'missing';
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [algorithm], issuer, audience, currentDate: new Date(this.nowMs()), requiredClaims: ['sub', 'exp'] });
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return 'invalid';
      return { playerId: payload.sub, expiresAtMs: payload.exp * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return 'expired';
      if (error instanceof errors.JOSEError) return 'invalid';
      throw error;
    }
  }
}

export interface TokenSecret {
  readonly secret: string;
  /** Where a development secret is kept; null when configured or made for this run only. */
  readonly generatedFile: string | null;
  readonly generated: boolean;
}

/**
 * CROUPIER_PLAYER_TOKEN_SECRET, shared by every node (a token issued by one is checked by
 * another). Without it, outside production, a development secret is made and kept in the data
 * folder (mode 0600) like the development operator key, so tokens survive a restart; production
 * refuses to start without one.
 */
export function tokenSecretFromEnvironment(text: string | undefined, nodeEnv: string | undefined, secretFile?: string): TokenSecret {
  const configured = (text ?? '').trim();
  if (configured !== '') {
    if (configured.length < tokenSecretLengthMin) throw new Error(`CROUPIER_PLAYER_TOKEN_SECRET must be at least ${tokenSecretLengthMin} characters`);
    return { secret: configured, generatedFile: null, generated: false };
  }
  if (nodeEnv === 'production') throw new Error('CROUPIER_PLAYER_TOKEN_SECRET is not set: refusing to start in production without the player token secret');
  if (secretFile === undefined) return { secret: newSecret(), generatedFile: null, generated: true };
  return { secret: keptSecret(secretFile), generatedFile: secretFile, generated: true };
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const secretPattern = /^[A-Za-z0-9_-]{43}$/;

/** The secret kept in `file`, written (0600, only if still absent) on the first run. */
function keptSecret(file: string): string {
  const kept = readSecret(file);
  if (kept !== null) return kept;
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${newSecret()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  // Read back: a process that started at the same moment may have written its secret first.
  const written = readSecret(file);
  if (written === null) throw new Error(`the development player token secret ${file} vanished while it was written`);
  return written;
}

function readSecret(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    throw error;
  }
  const secret = text.trim();
  if (!secretPattern.test(secret)) throw new Error(`${file} does not hold a development player token secret: remove it to have a new one made`);
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return secret;
}
