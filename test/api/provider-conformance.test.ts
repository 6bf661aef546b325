// Goal: the seamless-wallet provider API keeps the integration contract of docs/architecture.md §3 and
// §5 over real HTTP: signatures, every error code it can produce with its exact status and body
// shape, the success body, idempotent replays (also 50 at once), rollback/win ordering, blocked
// players, and providers registered at run time (whose secrets never leak).
// Method: the service as startService wires it (in-memory PGlite, a captured pino logger) listens
// on a free port of 127.0.0.1; requests are signed by test/support/http-provider-client.ts (its own
// HMAC, not src's) and sent with fetch. A few cases need an app of their own built with buildApp:
// a fixed clock (signature window), a tiny rate limit, and a closed croupier (UNAVAILABLE).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/croupier.js';
import { redactedPaths, startService, type Service } from '../../src/service.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { capturedLogger, startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import {
  hmacSignature,
  nowUnixSeconds,
  OperatorClient,
  ProviderClient,
  type GameMove,
  type HttpReply,
  type ProviderBody,
} from '../support/http-provider-client.js';

const providerId = 'acme-games';
const secret = 'acme-secret-0123456789abcdef';
const otherProviderId = 'other-games';
const otherSecret = 'other-secret-0123456789abcdef';

let service: Service;
/** The service's own store, opened here so that tests can count rows in it. */
let sql: SqlClient;
let baseUrl: string;
let logs: () => string;
let acme: ProviderClient;
let operator: OperatorClient;

beforeAll(async () => {
  const captured = capturedLogger('trace', redactedPaths);
  logs = captured.text;
  sql = await openStore({ dataDir: null });
  service = await startService(
    {
      port: 0,
      host: '127.0.0.1',
      croupier: { client: sql },
      providers: `${providerId}:${secret},${otherProviderId}:${otherSecret}`,
      operatorKeys: testOperatorKey,
      nodeEnv: 'test',
      rateLimits: { providerPerSecond: 100_000, operatorPerSecond: 100_000 },
      logLevel: 'trace',
    },
    captured.logger,
  );
  baseUrl = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`;
  acme = new ProviderClient(baseUrl, providerId, secret);
  operator = new OperatorClient(baseUrl, testOperatorKey);
});

afterAll(async () => {
  await service?.stop();
});

let sequence = 0;
/** A fresh id for one test's player, round or transaction. */
function fresh(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

/** A funded EUR player of its own. */
async function newPlayer(cash = 1_000, currency = 'EUR'): Promise<string> {
  const playerId = fresh('player');
  await operator.fundedPlayer(playerId, cash, currency);
  return playerId;
}

function move(playerId: string, amount: string | number, overrides: Partial<GameMove> = {}): GameMove {
  return { transaction_id: fresh('tx'), player_id: playerId, round_id: fresh('round'), game_id: 'slot-7', amount, currency: 'EUR', ...overrides };
}

/** The success body of the contract, exactly: no other field, amounts as integer strings, total = cash + bonus; a balance answer (no transaction id) has no duplicate flag. */
function expectSuccess(reply: HttpReply<ProviderBody>, expected: { transactionId?: string; cash: string; bonus?: string; duplicate?: boolean }): void {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const body = reply.json;
  expect(Object.keys(body).sort()).toEqual(expected.transactionId === undefined ? ['balance', 'currency'] : ['balance', 'currency', 'duplicate', 'transaction_id']);
  if (expected.transactionId !== undefined) expect(body.transaction_id).toBe(expected.transactionId);
  expect(Object.keys(body.balance).sort()).toEqual(['bonus', 'cash', 'total']);
  const bonus = expected.bonus ?? '0';
  expect(body.balance).toEqual({ cash: expected.cash, bonus, total: (BigInt(expected.cash) + BigInt(bonus)).toString() });
  expect(body.currency).toBe('EUR');
  if (expected.transactionId !== undefined) expect(body.duplicate).toBe(expected.duplicate ?? false);
}

/** The error body of the contract, exactly: `{"error":{"code","message"}}` with the code's status. */
function expectError(reply: HttpReply<unknown>, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const body = reply.json as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error ?? {}).sort()).toEqual(['code', 'message']);
  expect(body.error?.code).toBe(code);
  expect(typeof body.error?.message).toBe('string');
  expect(String(body.error?.message).length).toBeGreaterThan(0);
}

async function expectBalance(playerId: string, cash: string): Promise<void> {
  expectSuccess(await acme.balance(playerId), { cash });
}

async function transactionRows(source: string, transactionId: string): Promise<number> {
  const rows = await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM transactions WHERE source = $1 AND transaction_id = $2', [source, transactionId]);
  return Number(rows[0]?.n);
}

describe('signatures', () => {
  it('accepts a correctly signed call; the balance call has no transaction_id', async () => {
    const playerId = await newPlayer(1_000);
    expectSuccess(await acme.balance(playerId), { cash: '1000' });
  });

  it('signs the raw bytes: any whitespace or key order is fine as long as it is what was signed', async () => {
    const playerId = await newPlayer(1_000);
    const raw = `{\n  "player_id" :   "${playerId}"\n}\n`;
    expectSuccess(await acme.call('balance', raw), { cash: '1000' });
  });

  it('refuses a wrong signature: another secret, a malformed or an empty one', async () => {
    const playerId = await newPlayer(1_000);
    const other = new ProviderClient(baseUrl, providerId, otherSecret);
    expectError(await other.balance(playerId), 401, 'INVALID_SIGNATURE');
    expectError(await acme.balance(playerId, { signature: 'not-hex' }), 401, 'INVALID_SIGNATURE');
    expectError(await acme.balance(playerId, { signature: 'ab'.repeat(31) }), 401, 'INVALID_SIGNATURE');
    expectError(await acme.balance(playerId, { signature: '' }), 401, 'INVALID_SIGNATURE');
  });

  it('refuses timestamps more than 300 s old or ahead, and ones that are not unix seconds', async () => {
    const playerId = await newPlayer(1_000);
    expectError(await acme.balance(playerId, { timestamp: nowUnixSeconds() - 400 }), 401, 'INVALID_SIGNATURE');
    expectError(await acme.balance(playerId, { timestamp: nowUnixSeconds() + 400 }), 401, 'INVALID_SIGNATURE');
    expectError(await acme.balance(playerId, { timestamp: 'yesterday' }), 401, 'INVALID_SIGNATURE');
    expectError(await acme.balance(playerId, { timestamp: `${nowUnixSeconds()}.5` }), 401, 'INVALID_SIGNATURE');
    expectSuccess(await acme.balance(playerId, { timestamp: nowUnixSeconds() - 100 }), { cash: '1000' });
  });

  it('refuses calls that miss any of the three headers', async () => {
    const playerId = await newPlayer(1_000);
    for (const header of ['x-provider-id', 'x-timestamp', 'x-signature'] as const) {
      expectError(await acme.balance(playerId, { omit: [header] }), 401, 'INVALID_SIGNATURE');
    }
    expectError(await acme.balance(playerId, { omit: ['x-provider-id', 'x-timestamp', 'x-signature'] }), 401, 'INVALID_SIGNATURE');
  });

  it('refuses an unknown provider, even with a valid HMAC of its own', async () => {
    const playerId = await newPlayer(1_000);
    expectError(await new ProviderClient(baseUrl, 'nobody-games', secret).balance(playerId), 401, 'INVALID_SIGNATURE');
    expectError(await acme.balance(playerId, { providerId: 'nobody-games' }), 401, 'INVALID_SIGNATURE');
  });

  it('refuses a body changed after signing, and moves no money', async () => {
    const playerId = await newPlayer(1_000);
    const signed = move(playerId, '10');
    const sent = { ...signed, amount: '900' };
    expectError(await acme.bet(sent, { signOver: JSON.stringify(signed) }), 401, 'INVALID_SIGNATURE');
    // Even one added space is a different body.
    expectError(await acme.call('bet', `${JSON.stringify(signed)} `, { signOver: JSON.stringify(signed) }), 401, 'INVALID_SIGNATURE');
    await expectBalance(playerId, '1000');
    expect(await transactionRows(providerId, signed.transaction_id)).toBe(0);
  });

  it('checks the signature before the body: an unsigned invalid body is 401, not 400', async () => {
    expectError(await acme.call('bet', { nonsense: true }, { omit: ['x-signature'] }), 401, 'INVALID_SIGNATURE');
  });
});

describe('the 300 s signature window, on a fixed clock', () => {
  const now = 1_800_000_000;
  let fixed: TestApp;
  let client: ProviderClient;
  let playerId: string;
  beforeAll(async () => {
    fixed = await startTestApp({ croupier: service.croupier, providers: `${providerId}:${secret}`, nowSeconds: () => now, listen: true });
    client = new ProviderClient(fixed.baseUrl ?? '', providerId, secret, () => now);
    playerId = await newPlayer(500);
  });
  afterAll(async () => {
    await fixed?.close();
  });

  it('accepts exactly 300 s either way and refuses 301 s', async () => {
    expectSuccess(await client.balance(playerId), { cash: '500' });
    expectSuccess(await client.balance(playerId, { timestamp: now - 300 }), { cash: '500' });
    expectSuccess(await client.balance(playerId, { timestamp: now + 300 }), { cash: '500' });
    expectError(await client.balance(playerId, { timestamp: now - 301 }), 401, 'INVALID_SIGNATURE');
    expectError(await client.balance(playerId, { timestamp: now + 301 }), 401, 'INVALID_SIGNATURE');
  });
});

describe('validation: 400 VALIDATION_ERROR, nothing moves', () => {
  it('refuses malformed JSON, an empty body and a non-object (400), and a body that is not JSON (415)', async () => {
    expectError(await acme.call('bet', '{"transaction_id": "t-1",'), 400, 'VALIDATION_ERROR');
    expectError(await acme.call('bet', ''), 400, 'VALIDATION_ERROR');
    expectError(await acme.call('bet', '[]'), 400, 'VALIDATION_ERROR');
    expectError(await acme.call('bet', '"bet"'), 400, 'VALIDATION_ERROR');
    expectError(await acme.call('balance', 'player_id=p-1', { contentType: 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses unknown and missing fields', async () => {
    const playerId = await newPlayer(1_000);
    expectError(await acme.call('bet', { ...move(playerId, '10'), note: 'extra' }), 400, 'VALIDATION_ERROR');
    expectError(await acme.call('balance', { player_id: playerId, currency: 'EUR' }), 400, 'VALIDATION_ERROR');
    expectError(await acme.rollback({ transaction_id: fresh('tx'), player_id: playerId, round_id: 'r', reference_transaction_id: 'b', amount: '1' } as never), 400, 'VALIDATION_ERROR');
    for (const field of ['transaction_id', 'player_id', 'round_id', 'game_id', 'amount', 'currency'] as const) {
      const body: Record<string, unknown> = { ...move(playerId, '10') };
      delete body[field];
      expectError(await acme.call('bet', body), 400, 'VALIDATION_ERROR');
    }
    expectError(await acme.call('rollback', { transaction_id: fresh('tx'), player_id: playerId, round_id: 'r' }), 400, 'VALIDATION_ERROR');
    await expectBalance(playerId, '1000');
  });

  it('refuses wrong types instead of coercing them', async () => {
    const playerId = await newPlayer(1_000);
    expectError(await acme.call('balance', { player_id: 12345 }), 400, 'VALIDATION_ERROR');
    expectError(await acme.bet(move(playerId, '10', { transaction_id: 17 as never })), 400, 'VALIDATION_ERROR');
    expectError(await acme.bet(move(playerId, true as never)), 400, 'VALIDATION_ERROR');
    expectError(await acme.bet(move(playerId, null as never)), 400, 'VALIDATION_ERROR');
    expectError(await acme.bet(move(playerId, { value: 10 } as never)), 400, 'VALIDATION_ERROR');
    expectError(await acme.bet(move(playerId, '10', { currency: ['EUR'] as never })), 400, 'VALIDATION_ERROR');
    await expectBalance(playerId, '1000');
  });

  it('refuses bad ids: empty, too long, or with characters outside letters, digits and . _ : @ -', async () => {
    const playerId = await newPlayer(1_000);
    for (const bad of ['', 'a'.repeat(129), 'has space', 'slash/id', 'semi;colon', 'ünï']) {
      expectError(await acme.bet(move(playerId, '10', { transaction_id: bad })), 400, 'VALIDATION_ERROR');
      expectError(await acme.bet(move(playerId, '10', { round_id: bad })), 400, 'VALIDATION_ERROR');
      expectError(await acme.bet(move(playerId, '10', { game_id: bad })), 400, 'VALIDATION_ERROR');
      expectError(await acme.balance(bad), 400, 'VALIDATION_ERROR');
    }
    // 128 characters of the allowed set are fine.
    expectSuccess(await acme.bet(move(playerId, '10', { transaction_id: `a.b_c:d@e-${'x'.repeat(118)}` })), { transactionId: `a.b_c:d@e-${'x'.repeat(118)}`, cash: '990' });
  });

  it('refuses negative, fractional, non-decimal and too large amounts, and a zero bet', async () => {
    const playerId = await newPlayer(1_000);
    const bad: unknown[] = ['-100', -100, '10.5', 10.5, '1e3', '0x10', '0100', ' 100', '100 ', '', '1'.padEnd(37, '0'), 2 ** 53, 1e300, '0', 0];
    for (const amount of bad) {
      expectError(await acme.bet(move(playerId, amount as never)), 400, 'VALIDATION_ERROR');
    }
    expectError(await acme.win(move(playerId, '-1')), 400, 'VALIDATION_ERROR');
    await expectBalance(playerId, '1000');
  });

  it('accepts the largest amount (10^36 - 1) as valid input: it is refused by the money limits (422), not by validation', async () => {
    const playerId = await newPlayer(1_000);
    expectError(await acme.bet(move(playerId, '9'.repeat(36))), 422, 'AMOUNT_LIMIT_EXCEEDED');
  });

  it('refuses an unknown or malformed currency', async () => {
    const playerId = await newPlayer(1_000);
    expectError(await acme.bet(move(playerId, '10', { currency: 'eur' })), 400, 'VALIDATION_ERROR');
    expectError(await acme.bet(move(playerId, '10', { currency: 'EURO12' })), 400, 'VALIDATION_ERROR');
    expectError(await acme.bet(move(playerId, '10', { currency: 'XYZ' })), 400, 'VALIDATION_ERROR');
    await expectBalance(playerId, '1000');
  });
});

describe('bets, wins, rollbacks and their refusals', () => {
  it('debits a bet and credits a win, answering the exact success body', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '300');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '700' });
    const win = move(playerId, '450', { round_id: bet.round_id });
    expectSuccess(await acme.win(win), { transactionId: win.transaction_id, cash: '1150' });
    // A lost round is settled with a win of "0".
    const lost = move(playerId, '100');
    expectSuccess(await acme.bet(lost), { transactionId: lost.transaction_id, cash: '1050' });
    const zero = move(playerId, '0', { round_id: lost.round_id });
    expectSuccess(await acme.win(zero), { transactionId: zero.transaction_id, cash: '1050' });
  });

  it('accepts integer JSON numbers as amounts, the same as their string form', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, 250);
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '750' });
    // The string form is the same parameter: a replay, not a different transaction.
    expectSuccess(await acme.bet({ ...bet, amount: '250' }), { transactionId: bet.transaction_id, cash: '750', duplicate: true });
    const win = move(playerId, 40, { round_id: bet.round_id });
    expectSuccess(await acme.win(win), { transactionId: win.transaction_id, cash: '790' });
  });

  it('answers a replay like the first time: same body, duplicate true, the current balance', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '200');
    const first = await acme.bet(bet);
    expectSuccess(first, { transactionId: bet.transaction_id, cash: '800' });
    const win = move(playerId, '500', { round_id: bet.round_id });
    expectSuccess(await acme.win(win), { transactionId: win.transaction_id, cash: '1300' });

    const replayedBet = await acme.bet(bet);
    expectSuccess(replayedBet, { transactionId: bet.transaction_id, cash: '1300', duplicate: true });
    expect({ ...replayedBet.json, duplicate: false, balance: first.json.balance }).toEqual(first.json);
    expectSuccess(await acme.win(win), { transactionId: win.transaction_id, cash: '1300', duplicate: true });
    expect(await transactionRows(providerId, bet.transaction_id)).toBe(1);
    expect(await transactionRows(providerId, win.transaction_id)).toBe(1);
  });

  it('replays a rollback as a duplicate too', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '100');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '900' });
    const rollback = { transaction_id: fresh('rb'), player_id: playerId, round_id: bet.round_id, reference_transaction_id: bet.transaction_id };
    expectSuccess(await acme.rollback(rollback), { transactionId: rollback.transaction_id, cash: '1000' });
    expectSuccess(await acme.rollback(rollback), { transactionId: rollback.transaction_id, cash: '1000', duplicate: true });
  });

  it('scopes ids per provider: the same id from another provider is another transaction', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '100');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '900' });
    const other = new ProviderClient(baseUrl, otherProviderId, otherSecret);
    expectSuccess(await other.bet(bet), { transactionId: bet.transaction_id, cash: '800' });
  });

  it('DUPLICATE_TRANSACTION (409): the same id with other parameters, nothing moves', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '100');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '900' });
    expectError(await acme.bet({ ...bet, amount: '101' }), 409, 'DUPLICATE_TRANSACTION');
    expectError(await acme.bet({ ...bet, round_id: fresh('round') }), 409, 'DUPLICATE_TRANSACTION');
    expectError(await acme.bet({ ...bet, game_id: 'another-game' }), 409, 'DUPLICATE_TRANSACTION');
    expectError(await acme.win({ ...bet }), 409, 'DUPLICATE_TRANSACTION');
    await expectBalance(playerId, '900');
    expect(await transactionRows(providerId, bet.transaction_id)).toBe(1);
  });

  it('INSUFFICIENT_FUNDS (422): nothing moves, and the refused id stays free for a later retry', async () => {
    const playerId = await newPlayer(100);
    const bet = move(playerId, '101');
    expectError(await acme.bet(bet), 422, 'INSUFFICIENT_FUNDS');
    await expectBalance(playerId, '100');
    expect(await transactionRows(providerId, bet.transaction_id)).toBe(0);
    const deposit = await operator.request('POST', `/v1/players/${playerId}/deposits`, { transaction_id: fresh('dep'), amount: '1' });
    expect(deposit.status).toBe(200);
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '0' });
  });

  it('CURRENCY_MISMATCH (400): a bet or win in another currency than the player', async () => {
    const playerId = await newPlayer(1_000);
    expectError(await acme.bet(move(playerId, '10', { currency: 'USD' })), 400, 'CURRENCY_MISMATCH');
    const bet = move(playerId, '10');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '990' });
    expectError(await acme.win(move(playerId, '10', { round_id: bet.round_id, currency: 'GBP' })), 400, 'CURRENCY_MISMATCH');
    await expectBalance(playerId, '990');
  });

  it('PLAYER_NOT_FOUND (404): balance, bet, win and rollback for an unknown player', async () => {
    const ghost = fresh('ghost');
    expectError(await acme.balance(ghost), 404, 'PLAYER_NOT_FOUND');
    expectError(await acme.bet(move(ghost, '10')), 404, 'PLAYER_NOT_FOUND');
    expectError(await acme.win(move(ghost, '10')), 404, 'PLAYER_NOT_FOUND');
    expectError(await acme.rollback({ transaction_id: fresh('rb'), player_id: ghost, round_id: 'r', reference_transaction_id: 'b' }), 404, 'PLAYER_NOT_FOUND');
  });

  it("ROUND_NOT_FOUND (404): a win for a round without the player's bet", async () => {
    const playerId = await newPlayer(1_000);
    expectError(await acme.win(move(playerId, '10')), 404, 'ROUND_NOT_FOUND');
    // Another player's bet in that round does not count.
    const otherPlayer = await newPlayer(1_000);
    const bet = move(otherPlayer, '10');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '990' });
    expectError(await acme.win(move(playerId, '10', { round_id: bet.round_id })), 404, 'ROUND_NOT_FOUND');
    await expectBalance(playerId, '1000');
  });

  it('BET_NOT_FOUND (404): a rollback naming a bet of another round', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '10');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '990' });
    expectError(await acme.rollback({ transaction_id: fresh('rb'), player_id: playerId, round_id: fresh('round'), reference_transaction_id: bet.transaction_id }), 404, 'BET_NOT_FOUND');
    await expectBalance(playerId, '990');
  });

  it('rollback before the bet (default policy): 200, a tombstone, and the late bet is refused TRANSACTION_ROLLED_BACK', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '300');
    const rollback = { transaction_id: fresh('rb'), player_id: playerId, round_id: bet.round_id, reference_transaction_id: bet.transaction_id };
    expectSuccess(await acme.rollback(rollback), { transactionId: rollback.transaction_id, cash: '1000' });
    expectError(await acme.bet(bet), 409, 'TRANSACTION_ROLLED_BACK');
    expectError(await acme.bet(bet), 409, 'TRANSACTION_ROLLED_BACK');
    await expectBalance(playerId, '1000');
  });

  it('BET_NOT_FOUND (404) for a provider registered with rollback_unknown=error; the bet id is tombstoned all the same', async () => {
    const strictId = fresh('strict-games');
    const strictSecret = 'strict-secret-0123456789abcdef';
    const registered = await operator.request('POST', '/v1/providers', { provider_id: strictId, secret: strictSecret, rollback_unknown: 'error' });
    expect(registered.status).toBe(201);
    const strict = new ProviderClient(baseUrl, strictId, strictSecret);
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '300');
    expectError(await strict.rollback({ transaction_id: fresh('rb'), player_id: playerId, round_id: bet.round_id, reference_transaction_id: bet.transaction_id }), 404, 'BET_NOT_FOUND');
    expectError(await strict.bet(bet), 409, 'TRANSACTION_ROLLED_BACK');
    await expectBalance(playerId, '1000');
    // A known bet is rolled back normally.
    const known = move(playerId, '50');
    expectSuccess(await strict.bet(known), { transactionId: known.transaction_id, cash: '950' });
    const rollback = { transaction_id: fresh('rb'), player_id: playerId, round_id: known.round_id, reference_transaction_id: known.transaction_id };
    expectSuccess(await strict.rollback(rollback), { transactionId: rollback.transaction_id, cash: '1000' });
  });

  it('TRANSACTION_ROLLED_BACK (409): a win after the round was rolled back', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '200');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '800' });
    const rollback = { transaction_id: fresh('rb'), player_id: playerId, round_id: bet.round_id, reference_transaction_id: bet.transaction_id };
    expectSuccess(await acme.rollback(rollback), { transactionId: rollback.transaction_id, cash: '1000' });
    expectError(await acme.win(move(playerId, '500', { round_id: bet.round_id })), 409, 'TRANSACTION_ROLLED_BACK');
    await expectBalance(playerId, '1000');
  });

  it('ALREADY_SETTLED (409): a rollback after the round was paid', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '200');
    expectSuccess(await acme.bet(bet), { transactionId: bet.transaction_id, cash: '800' });
    const win = move(playerId, '50', { round_id: bet.round_id });
    expectSuccess(await acme.win(win), { transactionId: win.transaction_id, cash: '850' });
    expectError(await acme.rollback({ transaction_id: fresh('rb'), player_id: playerId, round_id: bet.round_id, reference_transaction_id: bet.transaction_id }), 409, 'ALREADY_SETTLED');
    await expectBalance(playerId, '850');
  });

  it('PLAYER_BLOCKED (403) for bets of a blocked player; wins, rollbacks and balance still answer 200', async () => {
    const playerId = await newPlayer(1_000);
    const toWin = move(playerId, '100');
    const toRollBack = move(playerId, '200');
    expectSuccess(await acme.bet(toWin), { transactionId: toWin.transaction_id, cash: '900' });
    expectSuccess(await acme.bet(toRollBack), { transactionId: toRollBack.transaction_id, cash: '700' });
    expect((await operator.request('POST', `/v1/players/${playerId}/block`)).status).toBe(200);

    expectError(await acme.bet(move(playerId, '10')), 403, 'PLAYER_BLOCKED');
    const win = move(playerId, '300', { round_id: toWin.round_id });
    expectSuccess(await acme.win(win), { transactionId: win.transaction_id, cash: '1000' });
    const rollback = { transaction_id: fresh('rb'), player_id: playerId, round_id: toRollBack.round_id, reference_transaction_id: toRollBack.transaction_id };
    expectSuccess(await acme.rollback(rollback), { transactionId: rollback.transaction_id, cash: '1200' });
    await expectBalance(playerId, '1200');

    expect((await operator.request('POST', `/v1/players/${playerId}/unblock`)).status).toBe(200);
    const after = move(playerId, '10');
    expectSuccess(await acme.bet(after), { transactionId: after.transaction_id, cash: '1190' });
  });

  it('applies one bet fired 50 times at once exactly once: all 200, one id, one duplicate:false, one row', async () => {
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '75');
    const raw = JSON.stringify(bet);
    const replies = await Promise.all(Array.from({ length: 50 }, () => acme.call('bet', raw)));
    for (const reply of replies) expectSuccess(reply, { transactionId: bet.transaction_id, cash: '925', duplicate: reply.json.duplicate });
    expect(replies.filter((reply) => reply.json.duplicate === false)).toHaveLength(1);
    expect(new Set(replies.map((reply) => reply.json.transaction_id))).toEqual(new Set([bet.transaction_id]));
    expect(await transactionRows(providerId, bet.transaction_id)).toBe(1);
    await expectBalance(playerId, '925');
  });
});

describe('RATE_LIMITED (429)', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ croupier: service.croupier, providers: `${providerId}:${secret},${otherProviderId}:${otherSecret}`, providerPerSecond: 5, listen: true });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('refuses a provider past its requests per second with Retry-After; other providers go on', async () => {
    const playerId = await newPlayer(1_000);
    const client = new ProviderClient(limited.baseUrl ?? '', providerId, secret);
    const replies = await Promise.all(Array.from({ length: 15 }, () => client.balance(playerId)));
    const refused = replies.filter((reply) => reply.status === 429);
    expect(replies.filter((reply) => reply.status === 200).length).toBeGreaterThanOrEqual(5);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length + replies.filter((reply) => reply.status === 200).length).toBe(15);
    for (const reply of refused) {
      expectError(reply, 429, 'RATE_LIMITED');
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    const other = new ProviderClient(limited.baseUrl ?? '', otherProviderId, otherSecret);
    expectSuccess(await other.balance(playerId), { cash: '1000' });
  });
});

describe('UNAVAILABLE (503)', () => {
  it('answers 503 UNAVAILABLE once the croupier is closed', async () => {
    const closing = await startTestApp({ providers: `${providerId}:${secret}`, listen: true });
    try {
      const client = new ProviderClient(closing.baseUrl ?? '', providerId, secret);
      const local = new OperatorClient(closing.baseUrl ?? '', testOperatorKey);
      await local.fundedPlayer('p-closing', 500);
      expectSuccess(await client.balance('p-closing'), { cash: '500' });
      await closing.croupier.close();
      expectError(await client.balance('p-closing'), 503, 'UNAVAILABLE');
      expectError(await client.bet(move('p-closing', '10')), 503, 'UNAVAILABLE');
      expect((await fetch(`${closing.baseUrl}/ready`)).status).toBe(503);
    } finally {
      await closing.close();
    }
  });
});

describe('providers registered through the operator API', () => {
  it('work right away, and their secret is never returned', async () => {
    const newId = fresh('fresh-games');
    const newSecret = `fresh-secret-${'s'.repeat(24)}`;
    const created = await operator.request('POST', '/v1/providers', { provider_id: newId, secret: newSecret });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ provider_id: newId, rollback_unknown: 'ok', max_win: null, max_round_payout: null, previous_secret_expires_at: null, configured_by: 'operator' });
    expect(created.text).not.toContain(newSecret);

    const client = new ProviderClient(baseUrl, newId, newSecret);
    const playerId = await newPlayer(1_000);
    const bet = move(playerId, '10');
    expectSuccess(await client.bet(bet), { transactionId: bet.transaction_id, cash: '990' });

    const listed = await operator.request<{ items: Record<string, unknown>[] }>('GET', '/v1/providers');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(newSecret);
    expect(listed.text).not.toContain(secret);
    const unlimited = { max_win: null, max_round_payout: null, previous_secret_expires_at: null };
    expect(listed.json.items).toContainEqual({ provider_id: newId, rollback_unknown: 'ok', ...unlimited, configured_by: 'operator' });
    expect(listed.json.items).toContainEqual({ provider_id: providerId, rollback_unknown: 'ok', ...unlimited, configured_by: 'environment' });
    for (const item of listed.json.items) expect(Object.keys(item).sort()).toEqual(['configured_by', 'max_round_payout', 'max_win', 'previous_secret_expires_at', 'provider_id', 'rollback_unknown']);
  });

  it('keep their secret when registered again with another (409 PROVIDER_EXISTS); a rotation with no overlap replaces it', async () => {
    const newId = fresh('rotating-games');
    const oldSecret = `rotating-old-${'o'.repeat(24)}`;
    const newSecret = `rotating-new-${'n'.repeat(24)}`;
    expect((await operator.request('POST', '/v1/providers', { provider_id: newId, secret: oldSecret })).status).toBe(201);
    const playerId = await newPlayer(1_000);
    expectSuccess(await new ProviderClient(baseUrl, newId, oldSecret).balance(playerId), { cash: '1000' });
    expectError(await operator.request('POST', '/v1/providers', { provider_id: newId, secret: newSecret }), 409, 'PROVIDER_EXISTS');
    expectSuccess(await new ProviderClient(baseUrl, newId, oldSecret).balance(playerId), { cash: '1000' });
    expectError(await new ProviderClient(baseUrl, newId, newSecret).balance(playerId), 401, 'INVALID_SIGNATURE');
    const rotated = await operator.request('POST', `/v1/providers/${newId}/secret-rotations`, { secret: newSecret, previous_secret_valid_seconds: 0 });
    expect(rotated.status, rotated.text).toBe(200);
    expectError(await new ProviderClient(baseUrl, newId, oldSecret).balance(playerId), 401, 'INVALID_SIGNATURE');
    expectSuccess(await new ProviderClient(baseUrl, newId, newSecret).balance(playerId), { cash: '1000' });
  });

  it('never appear in the service logs with their secret, nor do signatures or operator keys', async () => {
    const newId = fresh('logged-games');
    const newSecret = `logged-secret-${'z'.repeat(24)}`;
    expect((await operator.request('POST', '/v1/providers', { provider_id: newId, secret: newSecret })).status).toBe(201);
    const playerId = await newPlayer(1_000);
    const raw = JSON.stringify({ player_id: playerId });
    const client = new ProviderClient(baseUrl, newId, newSecret);
    const timestamp = nowUnixSeconds();
    const signature = hmacSignature(newSecret, String(timestamp), raw);
    expectSuccess(await client.call('balance', raw, { timestamp, signature }), { cash: '1000' });
    // A refused registration (a reserved id) carries a secret too.
    const reserved = await operator.request('POST', '/v1/providers', { provider_id: 'operator', secret: newSecret });
    expectError(reserved, 400, 'VALIDATION_ERROR');
    expectError(await operator.request('POST', '/v1/providers', { provider_id: newId, secret: newSecret, extra: newSecret }), 400, 'VALIDATION_ERROR');

    const text = logs();
    // The logger did capture this run's requests...
    expect(text).toContain('/v1/providers');
    expect(text).toContain('/v1/provider/balance');
    // ...but no secret, no operator key.
    for (const hidden of [newSecret, secret, otherSecret, testOperatorKey, signature]) expect(text).not.toContain(hidden);
  });
});
