import { hash, timingSafeEqual } from 'node:crypto';

/** A signature is accepted only when its timestamp is within this many seconds of now. */
export const signatureWindowSeconds = 300;

export function sign(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return mac(secret, timestamp, rawBody).toString('hex');
}

/**
 * HMAC-SHA256 exactly as RFC 2104 defines it, H((K ^ opad) || H((K ^ ipad) || message)), over
 * node:crypto's one-shot `hash`. `createHmac` computes the same bytes, but every call makes a
 * native object with a weak handle that the next young-generation collection must finalise: at
 * thousands of bets a second that was a fifth of every scavenge pause, which holds every
 * request in flight (docs/benchmarks.md). test/api/signature.test.ts checks this function
 * against `createHmac` on random keys and messages.
 */
function mac(secret: string, timestamp: string, rawBody: string | Buffer): Buffer {
  const { inner, outer } = paddedKeysOf(secret);
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const innerDigest = hash(digest, Buffer.concat([inner, Buffer.from(`${timestamp}.`, 'utf8'), body]), 'buffer');
  return hash(digest, Buffer.concat([outer, innerDigest]), 'buffer');
}

const digest = 'sha256';
const blockBytes = 64;

interface PaddedKeys {
  readonly inner: Buffer;
  readonly outer: Buffer;
}

/** Padded keys by secret, computed once: secrets are few (one per provider). */
const paddedKeys = new Map<string, PaddedKeys>();
const paddedKeysMax = 1024;

function paddedKeysOf(secret: string): PaddedKeys {
  let keys = paddedKeys.get(secret);
  if (keys === undefined) {
    if (paddedKeys.size >= paddedKeysMax) paddedKeys.clear();
    keys = padKey(Buffer.from(secret, 'utf8'));
    paddedKeys.set(secret, keys);
  }
  return keys;
}

/** RFC 2104: a key longer than the block is hashed first; the key is zero-padded to the block. */
function padKey(key: Buffer): PaddedKeys {
  const block = Buffer.alloc(blockBytes);
  (key.length > blockBytes ? hash(digest, key, 'buffer') : key).copy(block);
  const inner = Buffer.alloc(blockBytes);
  const outer = Buffer.alloc(blockBytes);
  for (let index = 0; index < blockBytes; index += 1) {
    inner[index] = (block[index] ?? 0) ^ 0x36;
    outer[index] = (block[index] ?? 0) ^ 0x5c;
  }
  return { inner, outer };
}

export interface SignedRequest {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: Buffer;
}

/** Why a signed request is refused: each cause has its own message (signature-refusals.ts). */
export type SignatureRefusal =
  | 'missing_timestamp'
  | 'missing_signature'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'malformed_signature'
  | 'wrong_signature';

/**
 * Checks `X-Signature` = hex HMAC-SHA256(secret, timestamp + "." + raw body) in constant time
 * against each of `secrets` (a provider's secret, and its previous one while a rotation
 * overlaps), and that `X-Timestamp` (unix seconds) is within ±300 s of `nowSeconds`.
 * Null when one secret signed it, else the first check that failed.
 */
export function signatureRefusal(secrets: readonly string[], request: SignedRequest, nowSeconds: number): SignatureRefusal | null {
  const { timestamp, signature } = request;
  if (timestamp === undefined) return 'missing_timestamp';
  if (signature === undefined) return 'missing_signature';
  if (!/^\d{1,12}$/.test(timestamp)) return 'malformed_timestamp';
  const aheadSeconds = Number(timestamp) - nowSeconds;
  if (aheadSeconds < -signatureWindowSeconds) return 'stale_timestamp';
  if (aheadSeconds > signatureWindowSeconds) return 'future_timestamp';
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return 'malformed_signature';
  const given = Buffer.from(signature, 'hex');
  return secrets.some((secret) => timingSafeEqual(mac(secret, timestamp, request.rawBody), given)) ? null : 'wrong_signature';
}
