// Goal: the provider signature is standard HMAC-SHA256, whatever the secret or the body, because
// providers compute it with their own libraries. Method: compare sign() with node:crypto's
// createHmac on random secrets (empty, short, a full block, longer than a block in bytes but
// not in characters, any Unicode including lone surrogates)
// and bodies (text and bytes), and check that signatureRefusal accepts exactly that signature,
// with any of a provider's secrets.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sign, signatureRefusal, signatureWindowSeconds } from '../../src/api/provider/signature.js';

const reference = (secret: string, timestamp: string, body: string | Buffer): string =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

// A key longer than SHA-256's 64-byte block is hashed first: the boundary is in bytes, not
// characters, so multibyte secrets on both sides of it are drawn too ('é' is 2 bytes, '😀' 4).
const secrets = fc.oneof(
  fc.string({ maxLength: 200, size: 'max' }),
  fc.string({ unit: 'grapheme', maxLength: 80, size: 'max' }),
  fc.string({ unit: 'binary', maxLength: 80, size: 'max' }),
  fc.constantFrom('', 'k'.repeat(64), 'k'.repeat(65), 'é'.repeat(32), 'é'.repeat(33), 'é'.repeat(40), '😀'.repeat(16), '😀'.repeat(17)),
);
const timestamps = fc.integer({ min: 0, max: 9_999_999_999 }).map(String);
const bodies = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 600, size: 'max' }),
  fc.string({ unit: 'binary', maxLength: 300, size: 'max' }),
  fc.uint8Array({ maxLength: 600, size: 'max' }).map((bytes) => Buffer.from(bytes)),
);

describe('provider signature', () => {
  it('is HMAC-SHA256(secret, timestamp + "." + raw body), as createHmac computes it', () => {
    fc.assert(
      fc.property(secrets, timestamps, bodies, (secret, timestamp, body) => {
        expect(sign(secret, timestamp, body)).toBe(reference(secret, timestamp, body));
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts exactly that signature, in either case of hex, and nothing one bit away', () => {
    fc.assert(
      fc.property(secrets, timestamps, bodies, fc.nat({ max: 255 }), (secret, timestamp, body, bit) => {
        const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
        const now = Number(timestamp);
        const signature = reference(secret, timestamp, rawBody);
        expect(signatureRefusal([secret], { timestamp, signature, rawBody }, now)).toBeNull();
        expect(signatureRefusal([secret], { timestamp, signature: signature.toUpperCase(), rawBody }, now)).toBeNull();
        expect(signatureRefusal([`${secret}x`, secret], { timestamp, signature, rawBody }, now)).toBeNull();
        const flipped = Buffer.from(signature, 'hex');
        flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        expect(signatureRefusal([secret], { timestamp, signature: flipped.toString('hex'), rawBody }, now)).toBe('wrong_signature');
        expect(signatureRefusal([`${secret}x`], { timestamp, signature, rawBody }, now)).toBe('wrong_signature');
      }),
      { numRuns: 1_000 },
    );
  });

  it('refuses a timestamp outside the window', () => {
    const rawBody = Buffer.from('{"amount":"1"}');
    const timestamp = '1700000000';
    const signature = reference('secret', timestamp, rawBody);
    const now = Number(timestamp);
    expect(signatureRefusal(['secret'], { timestamp, signature, rawBody }, now + signatureWindowSeconds)).toBeNull();
    expect(signatureRefusal(['secret'], { timestamp, signature, rawBody }, now + signatureWindowSeconds + 1)).toBe('stale_timestamp');
    expect(signatureRefusal(['secret'], { timestamp, signature, rawBody }, now - signatureWindowSeconds - 1)).toBe('future_timestamp');
  });
});
