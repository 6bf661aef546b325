// Goal: nothing a caller sends makes either API fail or lose track of money. Hostile requests
// (random JSON and non-JSON bodies, repeated keys, inexact JSON numbers, unicode and control
// characters, 40,000-character ids and paths, unknown routes, wrong methods, wrong or missing
// media types, missing, forged and stale signatures, bodies over 16 KiB, oversized headers and
// what Node's parser refuses) mixed with valid signed provider calls and operator calls (replays,
// unknown rounds and bets, blocked players among them): no answer is 5xx, every refusal is
// {"error":{"code","message"}} with a registered code and that code's status, a spoiled call gets
// its one documented refusal, each valid call answers what the pure wallet machine answers, and
// every player's balance is the model's of the valid calls alone.
// Method: fast-check sessions (test/support/api-fuzz-steps.ts) turned into requests
// (test/support/api-fuzz-requests.ts) against the app on in-memory PGlite with a fixed clock,
// through app.inject(), and over a real socket for what only Node's HTTP parser sees; the valid
// calls run through test/support/model.ts in the same order. A fixed seed makes a failure
// reproduce; fast-check prints the seed and the shrunk session.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, errorRegistry, type ErrorCode } from '../../src/api/error-registry.js';
import type { Outcome } from '../../src/core/outcome.js';
import { registeredPlayerCount, sessions, type Step } from '../support/api-fuzz-steps.js';
import { fuzzNowSeconds, fuzzProvider, materialise, playerIdOf, playerRead, type FuzzRequest } from '../support/api-fuzz-requests.js';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { signedHeaders } from '../support/http-provider-client.js';
import { Model } from '../support/model.js';
import { rawExchange } from '../support/raw-http.js';

const seed = 142_026;
const numRuns = 100;
const stepsMax = 40;

let started: TestApp;
let port: number;
let run = 0;

beforeAll(async () => {
  started = await startTestApp({ providers: `${fuzzProvider.id}:${fuzzProvider.secret}`, nowSeconds: () => fuzzNowSeconds, listen: true });
  port = Number(new URL(started.baseUrl as string).port);
});

afterAll(async () => {
  await started?.close();
});

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly text: string;
}

async function send(request: FuzzRequest): Promise<Answer> {
  if (request.via === 'socket') return rawExchange(port, request.bytes as string);
  const response = await started.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: request.headers,
    ...(request.payload === null ? {} : { payload: request.payload }),
  });
  return { status: response.statusCode, headers: response.headers, text: response.body };
}

function where(request: FuzzRequest, answer: Answer): string {
  return `${request.label} (${request.method} ${request.url.slice(0, 120)}): ${answer.status} ${answer.text.slice(0, 300)}`;
}

/** The code of a refusal in the documented shape, with the registry's status for it. */
function refusalCode(answer: Answer, context: string): ErrorCode {
  expect(String(answer.headers['content-type']), context).toMatch(/^application\/json/);
  let body: unknown;
  expect(() => (body = JSON.parse(answer.text)), context).not.toThrow();
  const refusal = body as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(refusal), context).toEqual(['error']);
  expect(Object.keys(refusal.error ?? {}).sort(), context).toEqual(['code', 'message']);
  const code = refusal.error?.code as ErrorCode;
  expect(errorCodes, context).toContain(code);
  expect(errorRegistry[code].status, context).toBe(answer.status);
  expect(typeof refusal.error?.message === 'string' && refusal.error.message.length > 0, context).toBe(true);
  return code;
}

/** What every answer keeps, and the one answer a spoiled request has. */
function expectDocumented(request: FuzzRequest, answer: Answer): void {
  const context = where(request, answer);
  expect(answer.status, context).toBeLessThan(500);
  const hasBody = request.method !== 'HEAD';
  const code = answer.status >= 400 && hasBody ? refusalCode(answer, context) : null;
  if (answer.status === 405) {
    expect(answer.headers.allow, context).toBeDefined();
    expect(String(answer.headers.allow).split(', '), `${context}: Allow lists the method refused`).not.toContain(request.method);
  }
  if (request.mustRefuse) expect(answer.status, `${context}: a hostile money call was taken`).toBeGreaterThanOrEqual(400);
  if (request.notEchoed !== null) expect(answer.text.includes(request.notEchoed), `${context}: the answer repeats a long input`).toBe(false);
  if (request.expected === null) return;
  expect(answer.status, context).toBe(request.expected.status);
  if (hasBody) expect(code, context).toBe(request.expected.code);
  if (request.expected.allow !== undefined) expect(answer.headers.allow, context).toBe(request.expected.allow);
}

function balanceView(balance: { cash: bigint; bonus: bigint }) {
  return { cash: String(balance.cash), bonus: String(balance.bonus), total: String(balance.cash + balance.bonus) };
}

/** A valid call answers what the pure machine answers for it. */
function expectLikeModel(request: FuzzRequest, answer: Answer, outcome: Outcome): void {
  const context = `${where(request, answer)}; the model: ${outcome.ok ? 'accepted' : outcome.code}`;
  if (!outcome.ok) {
    expect(answer.status, context).toBe(errorRegistry[outcome.code].status);
    expect(refusalCode(answer, context), context).toBe(outcome.code);
    return;
  }
  expect(answer.status, context).toBe(200);
  const body = JSON.parse(answer.text) as { balance: unknown; duplicate?: unknown };
  expect(body.balance, context).toEqual(balanceView(outcome.balance));
  if (request.command !== null && 'transactionId' in request.command) expect(body.duplicate, context).toBe(outcome.duplicate);
}

/** GET /v1/players/{id} shows the model's balance and status, or 404 for a player the model does not have. */
function expectPlayerLikeModel(request: FuzzRequest, answer: Answer, model: Model): void {
  const context = where(request, answer);
  const state = model.player(request.reads as string);
  if (state === undefined) {
    expect(answer.status, context).toBe(404);
    expect(refusalCode(answer, context)).toBe('PLAYER_NOT_FOUND');
    return;
  }
  expect(answer.status, context).toBe(200);
  const player = JSON.parse(answer.text) as { balance: unknown; status: unknown };
  expect(player.balance, context).toEqual(balanceView(state.wallet));
  expect(player.status, context).toBe(state.wallet.status);
}

/** What each registered player holds when a session starts: enough for several bets. */
const startingCash = 3_000n;

async function operatorPost(url: string, body: unknown): Promise<{ statusCode: number; body: string }> {
  return started.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${testOperatorKey}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

/** Registers and funds the session's players, in the service and in the model. */
async function registerPlayers(prefix: string, model: Model): Promise<void> {
  for (let index = 0; index < registeredPlayerCount; index += 1) {
    const playerId = playerIdOf(prefix, index);
    const registered = await operatorPost('/v1/players', { player_id: playerId, currency: 'EUR' });
    expect(registered.statusCode, registered.body).toBe(201);
    expect(model.execute({ kind: 'register', playerId, currency: 'EUR' }).outcome.ok).toBe(true);
    const transactionId = `${prefix}funding-${index}`;
    const funded = await operatorPost(`/v1/players/${playerId}/deposits`, { transaction_id: transactionId, amount: String(startingCash) });
    expect(funded.statusCode, funded.body).toBe(200);
    expect(model.execute({ kind: 'deposit', source: 'operator', transactionId, playerId, amount: String(startingCash) }).outcome.ok).toBe(true);
  }
}

async function playSession(steps: readonly Step[]): Promise<void> {
  run += 1;
  const prefix = `fz${run}-`;
  const model = new Model();
  await registerPlayers(prefix, model);
  for (const request of materialise({ prefix, steps })) {
    const answer = await send(request);
    expectDocumented(request, answer);
    if (request.command !== null) expectLikeModel(request, answer, model.execute(request.command).outcome);
    if (request.reads !== null) expectPlayerLikeModel(request, answer, model);
  }
  for (let index = 0; index <= registeredPlayerCount; index += 1) {
    const read = playerRead(prefix, index);
    expectPlayerLikeModel(read, await send(read), model);
  }
}

describe('both APIs under fuzz', () => {
  it('never answer 5xx, refuse in the documented shape, and move money only for valid calls', async () => {
    await fc.assert(
      fc.asyncProperty(sessions(stepsMax), async (steps) => playSession(steps)),
      { seed, numRuns },
    );
    expect(await started.croupier.verifyLedger()).toEqual([]);
  });
});

// Defects the fuzz above found, each mended and pinned by its own test.
describe('defects the fuzz found', () => {
  it('takes an audited operator call whose X-Request-Id is over 128 characters (it gets a fresh request id)', async () => {
    expect((await operatorPost('/v1/players', { player_id: 'kd-request-id', currency: 'EUR' })).statusCode).toBe(201);
    const headers = { authorization: `Bearer ${testOperatorKey}`, 'content-type': 'application/json', 'x-request-id': 'r'.repeat(129) };
    const response = await started.app.inject({ method: 'POST', url: '/v1/players/kd-request-id/deposits', headers, payload: JSON.stringify({ transaction_id: 'kd-d1', amount: '5' }) });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('refuses a rollback that names itself, alone, and the rest of its batch commits', async () => {
    for (const playerId of ['kd-self', 'kd-neighbour']) expect((await operatorPost('/v1/players', { player_id: playerId, currency: 'EUR' })).statusCode).toBe(201);
    const raw = JSON.stringify({ transaction_id: 'kd-rb', player_id: 'kd-self', round_id: 'kd-r', reference_transaction_id: 'kd-rb' });
    const headers = { 'content-type': 'application/json', ...signedHeaders(fuzzProvider.id, fuzzProvider.secret, raw, fuzzNowSeconds) };
    const [rollback, deposit] = await Promise.all([
      started.app.inject({ method: 'POST', url: '/v1/provider/rollback', headers, payload: raw }),
      operatorPost('/v1/players/kd-neighbour/deposits', { transaction_id: 'kd-d2', amount: '5' }),
    ]);
    expect(deposit.statusCode, `another player's deposit in the same batch: ${deposit.body}`).toBe(200);
    expect(rollback.statusCode, rollback.body).toBe(400);
  });

  it('answers 404 for a file missing under /docs/static/', async () => {
    const response = await started.app.inject({ method: 'GET', url: '/docs/static/missing' });
    expect(response.statusCode, response.body).toBe(404);
  });
});
