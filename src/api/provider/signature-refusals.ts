import { clipped } from '../replies.js';
import { signatureWindowSeconds, type SignatureRefusal } from './signature.js';

/** Every reason a provider call is refused 401 INVALID_SIGNATURE (docs/architecture.md §5). */
export type ProviderAuthenticationRefusal = SignatureRefusal | 'missing_provider_id' | 'unknown_provider' | 'wrong_content_type';

export interface RefusedCall {
  readonly providerId: string | undefined;
  readonly timestamp: string | undefined;
  readonly nowSeconds: number;
}

/**
 * The message of each refusal: what was wrong and what to send instead. It names headers, the
 * provider id and the clock skew; never a secret, the signature sent or the one expected.
 */
export function refusalMessage(reason: ProviderAuthenticationRefusal, call: RefusedCall): string {
  const skew = Math.abs(Number(call.timestamp) - call.nowSeconds);
  switch (reason) {
    case 'missing_provider_id':
      return 'the X-Provider-Id header is missing: send the provider id Croupier knows you by';
    case 'unknown_provider':
      return `no provider ${JSON.stringify(clipped(call.providerId ?? '', 128))} is configured or registered here`;
    case 'wrong_content_type':
      return 'the body must be sent as Content-Type: application/json: the signature is checked over its raw bytes';
    case 'missing_timestamp':
      return 'the X-Timestamp header is missing: send the unix time in seconds that was signed';
    case 'missing_signature':
      return 'the X-Signature header is missing: send hex HMAC-SHA256(secret, X-Timestamp + "." + raw body)';
    case 'malformed_timestamp':
      return 'X-Timestamp must be unix seconds: 1 to 12 digits, no sign, fraction or milliseconds';
    case 'stale_timestamp':
      return `X-Timestamp is ${skew} s behind the server clock; it must be within ${signatureWindowSeconds} s: sign each call when it is sent`;
    case 'future_timestamp':
      return `X-Timestamp is ${skew} s ahead of the server clock; it must be within ${signatureWindowSeconds} s: check the sender's clock`;
    case 'malformed_signature':
      return 'X-Signature must be 64 hexadecimal digits (an HMAC-SHA256 digest)';
    case 'wrong_signature':
      return `X-Signature does not match: sign X-Timestamp + "." + the exact body bytes sent with HMAC-SHA256 and the secret of provider ${call.providerId ?? ''}`;
  }
}
