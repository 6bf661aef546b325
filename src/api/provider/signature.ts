import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** A signature is accepted only when its timestamp is within this many seconds of now. */
export const signatureWindowSeconds = 300;

export function sign(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return mac(secret, timestamp, rawBody).toString('hex');
}

function mac(secret: string, timestamp: string, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', keyOf(secret)).update(`${timestamp}.`).update(rawBody).digest();
}

/** Key objects by secret: a string key is copied into a new key on every request otherwise. */
const keys = new Map<string, KeyObject>();
const keysMax = 1024;

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    if (keys.size >= keysMax) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export interface SignedRequest {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: Buffer;
}

/**
 * Checks `X-Signature` = hex HMAC-SHA256(secret, timestamp + "." + raw body) in constant time,
 * and that `X-Timestamp` (unix seconds) is within ±300 s of `nowSeconds`.
 */
export function signatureIsValid(secret: string, request: SignedRequest, nowSeconds: number): boolean {
  const { timestamp, signature } = request;
  if (timestamp === undefined || signature === undefined) return false;
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > signatureWindowSeconds) return false;
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  return timingSafeEqual(mac(secret, timestamp, request.rawBody), Buffer.from(signature, 'hex'));
}
