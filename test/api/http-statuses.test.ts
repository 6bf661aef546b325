// Goal: the statuses HTTP clients expect, each with a registered code in the one error shape and
// an access line: 413 for a body over 16 KiB, 415 for a body that is not JSON, 405 (with Allow)
// for a known path and another method, 431 for oversized headers, 400 for what Node's HTTP
// parser refuses before any route runs (a malformed request line, a header without a colon),
// and 400 for a history cursor beyond 64 bits. No answer and no log line echoes a long URL.
// Method: the app on in-memory PGlite listening on 127.0.0.1 with a pino logger writing into
// memory; what Node's parser refuses is sent as raw bytes over net.connect, the rest with fetch.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorRegistry, type ErrorCode } from '../../src/api/error-registry.js';
import { capturedLogger, startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { signedHeaders } from '../support/http-provider-client.js';

const providerId = 'status-games';
const secret = 'status-games-secret-0123456789';
let started: TestApp;
let baseUrl: string;
let port: number;
let logText: () => string;

beforeAll(async () => {
  const captured = capturedLogger('info');
  logText = captured.text;
  started = await startTestApp({ providers: `${providerId}:${secret}`, logger: captured.logger, listen: true });
  baseUrl = started.baseUrl as string;
  port = Number(new URL(baseUrl).port);
  expect((await operatorCall('POST', '/v1/players', JSON.stringify({ player_id: 'hs-1', currency: 'EUR' }))).status).toBe(201);
});

afterAll(async () => {
  await started?.close();
});

const authorization = `Bearer ${testOperatorKey}`;

function operatorCall(method: string, path: string, body?: string, contentType = 'application/json') {
  const headers: Record<string, string> = { authorization };
  if (body !== undefined) headers['content-type'] = contentType;
  return fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: { error: { code: string; message: string } };
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, headers: Object.fromEntries(response.headers), body: (await response.json()) as Answer['body'] };
}

/** The documented error shape with a registered code and its registered status. */
function expectRefusal(answer: Answer, status: number, code: ErrorCode): void {
  expect(answer.status).toBe(status);
  expect(errorRegistry[code].status).toBe(status);
  expect(Object.keys(answer.body)).toEqual(['error']);
  expect(Object.keys(answer.body.error).sort()).toEqual(['code', 'message']);
  expect(answer.body.error.code).toBe(code);
  expect(answer.body.error.message.length).toBeGreaterThan(0);
  expect(answer.body.error.message.length).toBeLessThan(400);
}

/** Sends raw bytes and reads what comes back until the server closes the connection. */
function rawExchange(bytes: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer is fine: the server closes a connection it cannot parse.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      try {
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as Answer['body'] });
      } catch (error) {
        reject(new Error(`not a JSON answer: ${JSON.stringify(text.slice(0, 300))} (${String(error)})`));
      }
    });
    socket.write(bytes);
  });
}

interface AccessLine {
  readonly msg: string;
  readonly reqId?: string;
  readonly status?: number;
  readonly url?: string;
  readonly code?: string;
}

function accessLines(): AccessLine[] {
  return logText()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AccessLine)
    .filter((line) => line.msg === 'request');
}

describe('statuses before and around routing', () => {
  it('413 PAYLOAD_TOO_LARGE for a body over 16 KiB, on both APIs', async () => {
    const big = JSON.stringify({ player_id: 'hs-big', currency: 'EUR', padding: 'x'.repeat(16 * 1024) });
    expectRefusal(await answerOf(await operatorCall('POST', '/v1/players', big)), 413, 'PAYLOAD_TOO_LARGE');
    const response = await fetch(`${baseUrl}/v1/provider/bet`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(providerId, secret, big) }, body: big });
    expectRefusal(await answerOf(response), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('415 UNSUPPORTED_MEDIA_TYPE for a body that is not application/json, on both APIs', async () => {
    const text = JSON.stringify({ player_id: 'hs-1' });
    expectRefusal(await answerOf(await operatorCall('POST', '/v1/players', text, 'text/plain')), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectRefusal(await answerOf(await operatorCall('POST', '/v1/players', 'player_id=hs-1', 'application/x-www-form-urlencoded')), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const response = await fetch(`${baseUrl}/v1/provider/balance`, { method: 'POST', headers: { 'content-type': 'text/plain', ...signedHeaders(providerId, secret, text) }, body: text });
    expectRefusal(await answerOf(response), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('405 METHOD_NOT_ALLOWED with an Allow header for a known path; 404 for an unknown one', async () => {
    const put = await answerOf(await fetch(`${baseUrl}/v1/provider/bet`, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } }));
    expectRefusal(put, 405, 'METHOD_NOT_ALLOWED');
    expect(put.headers.allow).toBe('POST');
    const get = await answerOf(await operatorCall('GET', '/v1/players/hs-1/deposits'));
    expectRefusal(get, 405, 'METHOD_NOT_ALLOWED');
    expect(get.headers.allow).toBe('POST');
    const remove = await answerOf(await operatorCall('DELETE', '/v1/players/hs-1'));
    expectRefusal(remove, 405, 'METHOD_NOT_ALLOWED');
    expect(remove.headers.allow).toMatch(/GET/);
    expectRefusal(await answerOf(await operatorCall('GET', '/v1/nowhere')), 404, 'ROUTE_NOT_FOUND');
  });

  it('431 HEADERS_TOO_LARGE for oversized headers and for a 40,000-character URL, without echoing it', async () => {
    const header = await rawExchange(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expectRefusal(header, 431, 'HEADERS_TOO_LARGE');
    expect(header.headers['content-type']).toMatch(/^application\/json/);
    const longPath = `/v1/players/${'u'.repeat(40_000)}`;
    const url = await rawExchange(`GET ${longPath} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expectRefusal(url, 431, 'HEADERS_TOO_LARGE');
    expect(JSON.stringify(url.body)).not.toContain('u'.repeat(201));
  });

  it('400 VALIDATION_ERROR for a malformed request line and a header without a colon', async () => {
    expectRefusal(await rawExchange('THIS IS NOT HTTP\r\n\r\n'), 400, 'VALIDATION_ERROR');
    expectRefusal(await rawExchange('GET /health HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n'), 400, 'VALIDATION_ERROR');
  });

  it('writes an access line for what the parser refused, with the request id answered', async () => {
    const answer = await rawExchange(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    const requestId = answer.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(accessLines().find((line) => line.reqId === requestId)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('clips a long URL in messages and in access lines', async () => {
    const path = `/v1/nowhere/${'z'.repeat(10_000)}`;
    const answer = await answerOf(await operatorCall('GET', path));
    expectRefusal(answer, 404, 'ROUTE_NOT_FOUND');
    expect(answer.body.error.message).not.toContain('z'.repeat(201));
    const line = accessLines().find((candidate) => candidate.status === 404 && candidate.url?.startsWith('/v1/nowhere/z') === true);
    expect(line?.url?.length).toBeLessThanOrEqual(201);
    expect(logText()).not.toContain('z'.repeat(201));
  });
});

describe('history cursor', () => {
  it('answers 400 VALIDATION_ERROR for a cursor beyond signed 64 bits, and pages with the largest one', async () => {
    expectRefusal(await answerOf(await operatorCall('GET', '/v1/players/hs-1/transactions?cursor=18446744073709551615')), 400, 'VALIDATION_ERROR');
    expectRefusal(await answerOf(await operatorCall('GET', '/v1/players/hs-1/transactions?cursor=9223372036854775808')), 400, 'VALIDATION_ERROR');
    const largest = await operatorCall('GET', '/v1/players/hs-1/transactions?cursor=9223372036854775807');
    expect(largest.status).toBe(200);
  });
});
