import { createHmac, timingSafeEqual } from 'node:crypto';

/** A signature is accepted only when its timestamp is within this many seconds of now. */
export const signatureWindowSeconds = 300;

export function sign(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
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
  const expected = Buffer.from(sign(secret, timestamp, request.rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
