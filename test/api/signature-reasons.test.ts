// Goal: a provider whose call is refused for its signature can tell why. Every cause (unknown
// provider, each missing header, a malformed, stale or future timestamp, a malformed or wrong
// signature, a body not sent as JSON) answers INVALID_SIGNATURE / 401 with a message of its own
// that never carries a secret, and the access line of the refusal names the cause next to the
// request id the caller got back.
// Method: the app on in-memory PGlite with a fixed clock and a pino logger writing into memory,
// driven with app.inject(); requests are signed by the test client's own HMAC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogger, startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { hmacSignature } from '../support/http-provider-client.js';

const providerId = 'reason-games';
const secret = 'reason-games-secret-0123456789';
const now = 1_800_000_000;
let started: TestApp;
let logText: () => string;

beforeAll(async () => {
  const captured = capturedLogger('info');
  logText = captured.text;
  started = await startTestApp({ providers: `${providerId}:${secret}`, nowSeconds: () => now, logger: captured.logger });
  const headers = { authorization: `Bearer ${testOperatorKey}` };
  expect((await started.app.inject({ method: 'POST', url: '/v1/players', headers, payload: { player_id: 'sr-1', currency: 'EUR' } })).statusCode).toBe(201);
});

afterAll(async () => {
  await started?.close();
});

const body = JSON.stringify({ player_id: 'sr-1' });

interface Bent {
  readonly providerId?: string;
  readonly timestamp?: string;
  readonly signature?: string;
  readonly omit?: string;
  readonly noBody?: boolean;
}

function call(bent: Bent) {
  const timestamp = bent.timestamp ?? String(now);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-provider-id': bent.providerId ?? providerId,
    'x-timestamp': timestamp,
    'x-signature': bent.signature ?? hmacSignature(secret, timestamp, bent.noBody === true ? '' : body),
  };
  if (bent.omit !== undefined) delete headers[bent.omit];
  if (bent.noBody === true) delete headers['content-type'];
  return started.app.inject({ method: 'POST', url: '/v1/provider/balance', headers, ...(bent.noBody === true ? {} : { payload: body }) });
}

const causes: Record<string, Bent> = {
  unknown_provider: { providerId: 'nobody-games' },
  missing_provider_id: { omit: 'x-provider-id' },
  missing_timestamp: { omit: 'x-timestamp' },
  missing_signature: { omit: 'x-signature' },
  malformed_timestamp: { timestamp: 'yesterday' },
  stale_timestamp: { timestamp: String(now - 400) },
  future_timestamp: { timestamp: String(now + 400) },
  malformed_signature: { signature: 'not-hex' },
  wrong_signature: { signature: hmacSignature('another-secret-0123456789', String(now), body) },
  wrong_content_type: { noBody: true },
};

describe('signature refusals say why', () => {
  it('answers each cause with INVALID_SIGNATURE, 401, and a message of its own without the secret', async () => {
    const messages = new Map<string, string>();
    for (const [cause, bent] of Object.entries(causes)) {
      const response = await call(bent);
      expect(response.statusCode, cause).toBe(401);
      const refusal = (response.json() as { error: { code: string; message: string } }).error;
      expect(refusal.code, cause).toBe('INVALID_SIGNATURE');
      expect(refusal.message).not.toContain(secret);
      messages.set(cause, refusal.message);
    }
    expect(new Set(messages.values()).size).toBe(Object.keys(causes).length);
    expect(messages.get('stale_timestamp')).toMatch(/400 s/);
    expect(messages.get('future_timestamp')).toMatch(/400 s/);
    expect(messages.get('missing_timestamp')).toMatch(/X-Timestamp/);
    expect(messages.get('missing_signature')).toMatch(/X-Signature/);
    expect(messages.get('missing_provider_id')).toMatch(/X-Provider-Id/);
  });

  it('logs the cause with the request id on the access line', async () => {
    const requestIds = new Map<string, string>();
    for (const [cause, bent] of Object.entries(causes)) requestIds.set(cause, String((await call(bent)).headers['x-request-id']));
    const lines = logText()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { msg: string; reqId?: string; status?: number; reason?: string; code?: string });
    for (const [cause, requestId] of requestIds) {
      const line = lines.find((candidate) => candidate.msg === 'request' && candidate.reqId === requestId);
      expect(line, cause).toMatchObject({ status: 401, code: 'INVALID_SIGNATURE', reason: cause });
    }
    expect(logText()).not.toContain(secret);
  });

  it('still accepts a correct call', async () => {
    expect((await call({})).statusCode).toBe(200);
  });
});
