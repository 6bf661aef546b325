import { createHmac } from 'node:crypto';

export const signatureHeader = 'X-Croupier-Signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`: the timestamp is signed with
 * the body, so a receiver that refuses old timestamps refuses a replayed delivery (docs/webhooks.md).
 */
export function signatureOf(secret: string, body: string, unixSeconds: number): string {
  if (!Number.isSafeInteger(unixSeconds)) throw new Error('invariant violated: a signature time is whole seconds');
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}
