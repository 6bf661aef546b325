// Goal: the operator API does what its OpenAPI document says: bearer keys, players, idempotent
// deposits and withdrawals, blocking, paged history, transaction look-up, one error shape, the
// HTTP limits, and an OpenAPI document that is generated from the very schemas that validate.
// Method: the app built with buildApp on an in-memory PGlite croupier, called with app.inject();
// provider moves for the history are signed with test/support/http-provider-client.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderMoveBody } from '../../src/api/schemas.js';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { signedHeaders } from '../support/http-provider-client.js';

const providerId = 'acme-games';
const providerSecret = 'acme-secret-0123456789abcdef';
const secondKey = 'second-operator-key-0123456789';

let harness: TestApp;
beforeAll(async () => {
  harness = await startTestApp({ providers: `${providerId}:${providerSecret}`, operatorKeys: [testOperatorKey, secondKey] });
});
afterAll(async () => {
  await harness?.close();
});

interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly text: string;
  readonly json: T;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Calls {
  /** One operator call; `body` as an object is serialised, a string is sent as it is. */
  call<T = Record<string, unknown>>(method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  /** A signed provider call. */
  provider(operation: 'bet' | 'win' | 'rollback', body: Record<string, unknown>): Promise<Reply>;
}

/** Calls through app.inject on the app `current()` returns. */
function callsOn(current: () => TestApp): Calls {
  return {
    async call<T>(method: Method, url: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${testOperatorKey}` }): Promise<Reply<T>> {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const response = await current().app.inject({
        method,
        url,
        headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(payload === undefined ? {} : { payload }),
      });
      let json: unknown;
      try {
        json = JSON.parse(response.body);
      } catch {
        json = undefined;
      }
      return { status: response.statusCode, headers: response.headers, text: response.body, json: json as T };
    },
    async provider(operation, body) {
      const raw = JSON.stringify(body);
      const response = await current().app.inject({
        method: 'POST',
        url: `/v1/provider/${operation}`,
        headers: { 'content-type': 'application/json', ...signedHeaders(providerId, providerSecret, raw) },
        payload: raw,
      });
      return { status: response.statusCode, headers: response.headers, text: response.body, json: JSON.parse(response.body) as Record<string, unknown> };
    },
  };
}

const { call, provider } = callsOn(() => harness);

function expectError(reply: Reply<unknown>, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(String(reply.headers['content-type'])).toMatch(/^application\/json/);
  const body = reply.json as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error ?? {}).sort()).toEqual(['code', 'message']);
  expect(body.error?.code).toBe(code);
  expect(String(body.error?.message).length).toBeGreaterThan(0);
}

let sequence = 0;
function fresh(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

async function newPlayer(currency = 'EUR'): Promise<string> {
  const playerId = fresh('player');
  const created = await call('POST', '/v1/players', { player_id: playerId, currency });
  expect(created.status, created.text).toBe(201);
  return playerId;
}

async function deposit(playerId: string, amount: string | number, transactionId = fresh('dep')): Promise<Reply> {
  return call('POST', `/v1/players/${playerId}/deposits`, { transaction_id: transactionId, amount });
}

/**
 * A player as the operator API shows it: these fields exactly (the API may add more, such as the
 * bonus being wagered), the balance as {cash, bonus, total} strings.
 */
function expectPlayer(reply: Reply, expected: { player_id: string; currency: string; status: 'active' | 'blocked'; balance: { cash: string; bonus: string; total: string } }): void {
  expect(reply.status, reply.text).toBeLessThan(300);
  expect(reply.json).toMatchObject(expected);
  expect(reply.json.balance).toEqual(expected.balance);
}

const balance = (cash: string, bonus = '0') => ({ cash, bonus, total: (BigInt(cash) + BigInt(bonus)).toString() });

describe('bearer authentication', () => {
  const routes: [Method, string, unknown][] = [
    ['GET', '/v1/providers', undefined],
    ['POST', '/v1/players', { player_id: 'auth-check', currency: 'EUR' }],
    ['GET', '/v1/players/auth-check', undefined],
    ['POST', '/v1/players/auth-check/deposits', { transaction_id: 'auth-dep', amount: '100' }],
    ['GET', '/v1/players/auth-check/transactions', undefined],
    ['GET', '/v1/transactions/operator/auth-dep', undefined],
  ];

  it('refuses a missing, malformed or unknown key with 401 UNAUTHORIZED, before reading the body', async () => {
    const wrong: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${testOperatorKey}x` },
      { authorization: `Bearer ${testOperatorKey.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`user:${testOperatorKey}`).toString('base64')}` },
      { authorization: testOperatorKey },
      { 'x-api-key': testOperatorKey },
    ];
    for (const [method, url, body] of routes) {
      for (const headers of wrong) expectError(await call(method, url, body, headers), 401, 'UNAUTHORIZED');
    }
    expectError(await call('POST', '/v1/players', '{not json', {}), 401, 'UNAUTHORIZED');
    // Nothing was created by the refused calls.
    expectError(await call('GET', '/v1/players/auth-check'), 404, 'PLAYER_NOT_FOUND');
  });

  it('accepts every configured key', async () => {
    expect((await call('GET', '/v1/providers')).status).toBe(200);
    expect((await call('GET', '/v1/providers', undefined, { authorization: `Bearer ${secondKey}` })).status).toBe(200);
  });

  it('does not let an operator key sign provider calls', async () => {
    const reply = await call('POST', '/v1/provider/balance', { player_id: 'p' });
    expectError(reply, 401, 'INVALID_SIGNATURE');
  });
});

describe('players', () => {
  it('registers a player: 201 when new, 200 when identical, 409 PLAYER_EXISTS in another currency', async () => {
    const playerId = fresh('player');
    const created = await call('POST', '/v1/players', { player_id: playerId, currency: 'EUR' });
    expect(created.status).toBe(201);
    expectPlayer(created, { player_id: playerId, currency: 'EUR', status: 'active', balance: balance('0') });
    const again = await call('POST', '/v1/players', { player_id: playerId, currency: 'EUR' });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(created.json);
    expectError(await call('POST', '/v1/players', { player_id: playerId, currency: 'USD' }), 409, 'PLAYER_EXISTS');
  });

  it('shows a player with its balance as {cash, bonus, total} strings', async () => {
    const playerId = await newPlayer('JPY');
    expect((await deposit(playerId, '5000')).status).toBe(200);
    const shown = await call('GET', `/v1/players/${playerId}`);
    expect(shown.status).toBe(200);
    expectPlayer(shown, { player_id: playerId, currency: 'JPY', status: 'active', balance: balance('5000') });
    expectError(await call('GET', `/v1/players/${fresh('ghost')}`), 404, 'PLAYER_NOT_FOUND');
    expectError(await call('GET', '/v1/players/bad%20id'), 400, 'VALIDATION_ERROR');
  });

  it('refuses an unknown currency', async () => {
    expectError(await call('POST', '/v1/players', { player_id: fresh('player'), currency: 'XYZ' }), 400, 'VALIDATION_ERROR');
    expectError(await call('POST', '/v1/players', { player_id: fresh('player'), currency: 'eur' }), 400, 'VALIDATION_ERROR');
  });
});

describe('deposits and withdrawals', () => {
  it('deposit: the exact body; a replay is duplicate:true; the same id with another amount is 409', async () => {
    const playerId = await newPlayer();
    const id = fresh('dep');
    const first = await deposit(playerId, '1000', id);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ transaction_id: id, player_id: playerId, balance: balance('1000'), currency: 'EUR', duplicate: false });
    expect((await deposit(playerId, 500)).status).toBe(200); // an integer JSON number is accepted
    const replay = await deposit(playerId, '1000', id);
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual({ transaction_id: id, player_id: playerId, balance: balance('1500'), currency: 'EUR', duplicate: true });
    expectError(await deposit(playerId, '1001', id), 409, 'DUPLICATE_TRANSACTION');
    expect((await call('GET', `/v1/players/${playerId}`)).json.balance).toEqual(balance('1500'));
  });

  it('withdrawal: debits cash, replays as a duplicate, refuses more than the cash and a reused deposit id', async () => {
    const playerId = await newPlayer();
    const depositId = fresh('dep');
    expect((await deposit(playerId, '1000', depositId)).status).toBe(200);
    const id = fresh('wd');
    const first = await call('POST', `/v1/players/${playerId}/withdrawals`, { transaction_id: id, amount: '400' });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ transaction_id: id, player_id: playerId, balance: balance('600'), currency: 'EUR', duplicate: false });
    const replay = await call('POST', `/v1/players/${playerId}/withdrawals`, { transaction_id: id, amount: '400' });
    expect(replay.json).toEqual({ ...first.json, duplicate: true });
    expectError(await call('POST', `/v1/players/${playerId}/withdrawals`, { transaction_id: id, amount: '401' }), 409, 'DUPLICATE_TRANSACTION');
    expectError(await call('POST', `/v1/players/${playerId}/withdrawals`, { transaction_id: fresh('wd'), amount: '601' }), 422, 'INSUFFICIENT_FUNDS');
    // Operator ids share one scope: a deposit's id cannot be reused for a withdrawal.
    expectError(await call('POST', `/v1/players/${playerId}/withdrawals`, { transaction_id: depositId, amount: '1000' }), 409, 'DUPLICATE_TRANSACTION');
    expect((await call('GET', `/v1/players/${playerId}`)).json.balance).toEqual(balance('600'));
  });

  it('refuses zero, negative and malformed amounts, and unknown players', async () => {
    const playerId = await newPlayer();
    for (const amount of ['0', 0, '-5', -5, '1.5', 1.5, 'ten', true, null]) {
      expectError(await deposit(playerId, amount as never), 400, 'VALIDATION_ERROR');
    }
    expectError(await deposit(fresh('ghost'), '100'), 404, 'PLAYER_NOT_FOUND');
    expectError(await call('POST', `/v1/players/${fresh('ghost')}/withdrawals`, { transaction_id: fresh('wd'), amount: '1' }), 404, 'PLAYER_NOT_FOUND');
  });
});

describe('block and unblock', () => {
  it('blocks deposits (403 PLAYER_BLOCKED) but not withdrawals, and unblocks', async () => {
    const playerId = await newPlayer();
    expect((await deposit(playerId, '1000')).status).toBe(200);
    const blocked = await call('POST', `/v1/players/${playerId}/block`);
    expect(blocked.status).toBe(200);
    expectPlayer(blocked, { player_id: playerId, currency: 'EUR', status: 'blocked', balance: balance('1000') });
    expect((await call('POST', `/v1/players/${playerId}/block`)).json.status).toBe('blocked');
    expect((await call('GET', `/v1/players/${playerId}`)).json.status).toBe('blocked');
    expectError(await deposit(playerId, '10'), 403, 'PLAYER_BLOCKED');
    const withdrawal = await call('POST', `/v1/players/${playerId}/withdrawals`, { transaction_id: fresh('wd'), amount: '100' });
    expect(withdrawal.status).toBe(200);
    const unblocked = await call('POST', `/v1/players/${playerId}/unblock`);
    expectPlayer(unblocked, { player_id: playerId, currency: 'EUR', status: 'active', balance: balance('900') });
    expect((await deposit(playerId, '10')).status).toBe(200);
    expectError(await call('POST', `/v1/players/${fresh('ghost')}/block`), 404, 'PLAYER_NOT_FOUND');
  });
});

interface HistoryEntry {
  ledger_id: string;
  transaction_id: string;
  type: string;
  amount: string;
  currency: string;
  cash: string;
  bonus: string;
  round_id: string | null;
  game_id: string | null;
  provider: string | null;
  reference_transaction_id: string | null;
  created_at: string;
}
interface HistoryPage {
  items: HistoryEntry[];
  next_cursor: string | null;
}

// The history suite runs on a store of its own, so the player's ledger ids are 0, 1, … 10: they
// cross from one digit to two, which is where an ordering by their text form would show.
describe('history and look-up', () => {
  let own: TestApp;
  const history = callsOn(() => own);
  let playerId: string;
  /** Every transaction of the player, oldest first. */
  const sent: string[] = [];
  let firstBet = '';
  let rolledBack = '';
  let tombstone = '';
  const started = Date.now();

  beforeAll(async () => {
    own = await startTestApp({ providers: `${providerId}:${providerSecret}` });
    playerId = fresh('player');
    expect((await history.call('POST', '/v1/players', { player_id: playerId, currency: 'EUR' })).status).toBe(201);
    const depositId = fresh('dep');
    expect((await history.call('POST', `/v1/players/${playerId}/deposits`, { transaction_id: depositId, amount: '10000' })).status).toBe(200);
    sent.push(depositId);
    for (let round = 0; round < 4; round += 1) {
      const bet = { transaction_id: fresh('bet'), player_id: playerId, round_id: fresh('round'), game_id: 'slot-7', amount: '300', currency: 'EUR' };
      expect((await history.provider('bet', bet)).status).toBe(200);
      sent.push(bet.transaction_id);
      if (round === 0) firstBet = bet.transaction_id;
      if (round === 3) {
        const rollback = { transaction_id: fresh('rb'), player_id: playerId, round_id: bet.round_id, reference_transaction_id: bet.transaction_id };
        expect((await history.provider('rollback', rollback)).status).toBe(200);
        rolledBack = rollback.transaction_id;
        sent.push(rollback.transaction_id);
        continue;
      }
      const win = { ...bet, transaction_id: fresh('win'), amount: String(100 * round) };
      expect((await history.provider('win', win)).status).toBe(200);
      sent.push(win.transaction_id);
    }
    // A rollback of a bet never seen: the rollback is history, its tombstone is not.
    tombstone = fresh('never-bet');
    const blind = { transaction_id: fresh('rb'), player_id: playerId, round_id: fresh('round'), reference_transaction_id: tombstone };
    expect((await history.provider('rollback', blind)).status).toBe(200);
    sent.push(blind.transaction_id);
    const withdrawalId = fresh('wd');
    expect((await history.call('POST', `/v1/players/${playerId}/withdrawals`, { transaction_id: withdrawalId, amount: '50' })).status).toBe(200);
    sent.push(withdrawalId);
  });
  afterAll(async () => {
    await own?.close();
  });

  async function walk(limit: number | undefined): Promise<{ items: HistoryEntry[]; pages: number }> {
    const items: HistoryEntry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams();
      if (limit !== undefined) query.set('limit', String(limit));
      if (cursor !== null) query.set('cursor', cursor);
      const page: Reply<HistoryPage> = await history.call<HistoryPage>('GET', `/v1/players/${playerId}/transactions?${query.toString()}`);
      expect(page.status, page.text).toBe(200);
      expect(Object.keys(page.json).sort()).toEqual(['items', 'next_cursor']);
      if (limit !== undefined) expect(page.json.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.json.items);
      cursor = page.json.next_cursor;
      pages += 1;
      if (pages > 50) throw new Error('paging does not end');
    } while (cursor !== null);
    return { items, pages };
  }

  // BUG (src/store/history-store.ts, HistoryStore.page): fails until fixed. The query selects
  // `ledger_id::text` and then says `ORDER BY ledger_id DESC`, which PostgreSQL resolves to the
  // *output* column, the text: ids 0..10 come back as 9, 8, …, 2, 10, 1, 0 — not newest first —
  // and since the cursor filter (`ledger_id < $2`) is numeric, pages skip items (after a page
  // ending at 2, "10" is never shown). Fix: `ORDER BY transactions.ledger_id DESC` (or select the
  // text under another alias).
  it('pages newest first, with no item twice and none missing, for any page size', async () => {
    expect(sent).toHaveLength(11);
    const newestFirst = [...sent].reverse();
    for (const limit of [undefined, 1, 2, 4, 5, 10, 11, 12, 200]) {
      const { items, pages } = await walk(limit);
      expect(items.map((item) => item.transaction_id), `limit ${limit}`).toEqual(newestFirst);
      const ledgerIds = items.map((item) => BigInt(item.ledger_id));
      for (let index = 1; index < ledgerIds.length; index += 1) expect(ledgerIds[index - 1]! > ledgerIds[index]!, `limit ${limit}`).toBe(true);
      if (limit !== undefined) expect(pages).toBeGreaterThanOrEqual(Math.ceil(11 / limit));
    }
    const five = await history.call<HistoryPage>('GET', `/v1/players/${playerId}/transactions?limit=5`);
    expect(five.json.items).toHaveLength(5);
    expect(five.json.next_cursor).toBe(five.json.items[4]?.ledger_id);
  });

  it('describes each item: type, cash and bonus movements, round, game, provider, time', async () => {
    const { items } = await walk(200);
    expect(items).toHaveLength(11);
    const byId = new Map(items.map((item) => [item.transaction_id, item]));
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(
        ['amount', 'bonus', 'cash', 'created_at', 'currency', 'game_id', 'ledger_id', 'provider', 'reference_transaction_id', 'round_id', 'transaction_id', 'type'].sort(),
      );
      expect(item.currency).toBe('EUR');
      expect(item.bonus).toBe('0');
      const at = Date.parse(item.created_at);
      expect(new Date(at).toISOString()).toBe(item.created_at);
      expect(at).toBeGreaterThanOrEqual(started - 60_000);
      expect(at).toBeLessThanOrEqual(Date.now() + 60_000);
    }
    expect(items.map((item) => item.type)).not.toContain('tombstone');
    expect(byId.get(sent[0]!)).toMatchObject({ type: 'deposit', amount: '10000', cash: '10000', round_id: null, game_id: null, provider: null, reference_transaction_id: null });
    const bet = byId.get(firstBet);
    expect(bet).toMatchObject({ type: 'bet', amount: '300', cash: '-300', game_id: 'slot-7', provider: providerId, reference_transaction_id: null });
    expect(bet?.round_id).toMatch(/^round-/);
    const win = items.find((item) => item.type === 'win' && item.round_id === bet?.round_id);
    expect(win).toMatchObject({ amount: '0', cash: '0', game_id: 'slot-7', provider: providerId });
    const bigWin = items.find((item) => item.type === 'win' && item.amount === '200');
    expect(bigWin).toMatchObject({ cash: '200', bonus: '0' });
    expect(byId.get(rolledBack)).toMatchObject({ type: 'rollback', cash: '300', provider: providerId });
    expect(byId.get(rolledBack)?.reference_transaction_id).toMatch(/^bet-/);
    expect(byId.get(sent.at(-1)!)).toMatchObject({ type: 'withdrawal', amount: '50', cash: '-50', provider: null, round_id: null });
    // The movements add up to the balance.
    const total = items.reduce((sum, item) => sum + BigInt(item.cash) + BigInt(item.bonus), 0n);
    expect((await history.call('GET', `/v1/players/${playerId}`)).json.balance).toEqual(balance(total.toString()));
  });

  it('looks a transaction up by source and id', async () => {
    const { items } = await walk(200);
    const byId = new Map(items.map((item) => [item.transaction_id, item]));
    const depositItem = await history.call('GET', `/v1/transactions/operator/${sent[0]}`);
    expect(depositItem.status).toBe(200);
    expect(depositItem.json).toEqual(byId.get(sent[0]!));
    const betItem = await history.call('GET', `/v1/transactions/${providerId}/${firstBet}`);
    expect(betItem.status).toBe(200);
    expect(betItem.json).toEqual(byId.get(firstBet));
    expectError(await history.call('GET', `/v1/transactions/operator/${firstBet}`), 404, 'TRANSACTION_NOT_FOUND');
    expectError(await history.call('GET', `/v1/transactions/${providerId}/${fresh('nothing')}`), 404, 'TRANSACTION_NOT_FOUND');
    expectError(await history.call('GET', `/v1/transactions/${providerId}/${tombstone}`), 404, 'TRANSACTION_NOT_FOUND');
    expectError(await history.call('GET', '/v1/transactions/operator/bad%20id'), 400, 'VALIDATION_ERROR');
  });

  it('refuses a bad query and answers 404 for an unknown player', async () => {
    for (const query of ['limit=0', 'limit=abc', 'limit=-1', 'limit=1.5', 'limit=', 'cursor=abc', 'cursor=-1', 'page=2']) {
      expectError(await history.call('GET', `/v1/players/${playerId}/transactions?${query}`), 400, 'VALIDATION_ERROR');
    }
    expectError(await history.call('GET', `/v1/players/${fresh('ghost')}/transactions`), 404, 'PLAYER_NOT_FOUND');
  });
});

describe('errors and limits of the HTTP layer', () => {
  it('answers 404 ROUTE_NOT_FOUND for unknown paths, 405 METHOD_NOT_ALLOWED for a known path and another method', async () => {
    expectError(await call('GET', '/v1/nothing'), 404, 'ROUTE_NOT_FOUND');
    expectError(await call('DELETE', '/v1/players'), 405, 'METHOD_NOT_ALLOWED');
    expectError(await call('PUT', '/v1/providers', { provider_id: 'x' }), 405, 'METHOD_NOT_ALLOWED');
    expectError(await call('GET', '/v1/provider/bet'), 405, 'METHOD_NOT_ALLOWED');
  });

  it('answers 400 VALIDATION_ERROR for bad JSON, unknown or missing fields and wrong types', async () => {
    const playerId = await newPlayer();
    const bodies: unknown[] = [
      '{"player_id": ',
      '',
      'null',
      '[]',
      { player_id: fresh('player'), currency: 'EUR', vip: true },
      { player_id: fresh('player') },
      { player_id: 42, currency: 'EUR' },
      { player_id: fresh('player'), currency: 978 },
      { player_id: 'has space', currency: 'EUR' },
    ];
    for (const body of bodies) expectError(await call('POST', '/v1/players', body), 400, 'VALIDATION_ERROR');
    expectError(await deposit(playerId, '10', 42 as never), 400, 'VALIDATION_ERROR');
    expectError(await call('POST', `/v1/players/${playerId}/deposits`, { transaction_id: fresh('dep'), amount: '10', currency: 'EUR' }), 400, 'VALIDATION_ERROR');
    expectError(await call('POST', `/v1/players/${playerId}/deposits`, { transaction_id: fresh('dep') }), 400, 'VALIDATION_ERROR');
    expectError(await call('POST', '/v1/players', 'player_id=x', { authorization: `Bearer ${testOperatorKey}`, 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect((await call('GET', `/v1/players/${playerId}`)).json.balance).toEqual(balance('0'));
  });

  it('takes bodies up to 16 KiB and refuses larger ones with 413', async () => {
    const playerId = fresh('player');
    const body = JSON.stringify({ player_id: playerId, currency: 'EUR' });
    const exactly = body.replace('{', `{${' '.repeat(16 * 1024 - body.length)}`);
    expect(Buffer.byteLength(exactly)).toBe(16 * 1024);
    expect((await call('POST', '/v1/players', exactly)).status).toBe(201);
    const over = body.replace('{', `{${' '.repeat(16 * 1024 - body.length + 1)}`);
    expectError(await call('POST', '/v1/players', over), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await call('POST', '/v1/players', JSON.stringify({ player_id: fresh('player'), currency: 'EUR', pad: 'x'.repeat(64 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers every response with an x-request-id, and echoes one it was given', async () => {
    const reply = await call('GET', '/v1/providers');
    expect(String(reply.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await call('GET', '/v1/providers', undefined, { authorization: `Bearer ${testOperatorKey}`, 'x-request-id': 'trace-123' });
    expect(echoed.headers['x-request-id']).toBe('trace-123');
  });
});

describe('provider registration', () => {
  it('refuses reserved and environment ids, short secrets, unknown policies and extra fields', async () => {
    const secret = 'a-long-enough-secret-0123';
    expectError(await call('POST', '/v1/providers', { provider_id: 'operator', secret }), 400, 'VALIDATION_ERROR');
    expectError(await call('POST', '/v1/providers', { provider_id: providerId, secret }), 409, 'PROVIDER_EXISTS');
    expectError(await call('POST', '/v1/providers', { provider_id: fresh('prov'), secret: 'short' }), 400, 'VALIDATION_ERROR');
    expectError(await call('POST', '/v1/providers', { provider_id: fresh('prov'), secret, rollback_unknown: 'maybe' }), 400, 'VALIDATION_ERROR');
    expectError(await call('POST', '/v1/providers', { provider_id: fresh('prov'), secret, note: 'x' }), 400, 'VALIDATION_ERROR');
    expectError(await call('POST', '/v1/providers', { provider_id: 'bad id', secret }), 400, 'VALIDATION_ERROR');
    const listed = await call<{ items: { provider_id: string }[] }>('GET', '/v1/providers');
    expect(listed.json.items.map((item) => item.provider_id)).toEqual([providerId]);
  });
});

describe('operator rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ croupier: harness.croupier, operatorKeys: [testOperatorKey, secondKey], operatorPerSecond: 3 });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After past the limit of a key; another key goes on', async () => {
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => limited.app.inject({ method: 'GET', url: '/v1/providers', headers: { authorization: `Bearer ${testOperatorKey}` } })),
    );
    const refused = replies.filter((reply) => reply.statusCode === 429);
    expect(replies.filter((reply) => reply.statusCode === 200).length).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const reply of refused) {
      expect(reply.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) as string } });
      expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    const other = await limited.app.inject({ method: 'GET', url: '/v1/providers', headers: { authorization: `Bearer ${secondKey}` } });
    expect(other.statusCode).toBe(200);
  });
});

describe('OpenAPI document', () => {
  const v1Routes = [
    ['post', '/v1/provider/balance'],
    ['post', '/v1/provider/bet'],
    ['post', '/v1/provider/win'],
    ['post', '/v1/provider/rollback'],
    ['post', '/v1/players'],
    ['get', '/v1/players/{player_id}'],
    ['post', '/v1/players/{player_id}/deposits'],
    ['post', '/v1/players/{player_id}/withdrawals'],
    ['post', '/v1/players/{player_id}/block'],
    ['post', '/v1/players/{player_id}/unblock'],
    ['get', '/v1/players/{player_id}/transactions'],
    ['get', '/v1/transactions/{source}/{transaction_id}'],
    ['post', '/v1/providers'],
    ['get', '/v1/providers'],
  ] as const;

  interface Operation {
    security?: unknown;
    requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
    parameters?: { in: string; name: string }[];
    responses: Record<string, unknown>;
  }
  type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

  async function document(): Promise<Document> {
    const reply = await harness.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(reply.statusCode).toBe(200);
    return reply.json<Document>();
  }

  /**
   * The routes the app really serves, read from Fastify's route tree (printRoutes), as
   * "method /path/{param}"; HEAD (added by Fastify for every GET) is left out.
   */
  function servedRoutes(): string[] {
    const routes: string[] = [];
    const prefixes: string[] = [];
    for (const line of harness.app.printRoutes({ commonPrefix: false }).split('\n')) {
      const match = /^((?:[│ ] {3})*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
      if (match === null) continue;
      const depth = (match[1] ?? '').length / 4;
      const path = `${prefixes[depth - 1] ?? ''}${match[2]}`;
      prefixes[depth] = path;
      for (const method of (match[3] ?? '').split(', ')) {
        if (method !== 'HEAD') routes.push(`${method.toLowerCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
    return routes;
  }

  it('lists every /v1 route the app serves, and only those, without auth', async () => {
    const doc = await document();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    const served = servedRoutes().filter((route) => route.split(' ')[1]?.startsWith('/v1/'));
    expect(served).toEqual(expect.arrayContaining(v1Routes.map(([method, path]) => `${method} ${path}`)));
    expect(documented.sort()).toEqual(served.sort());
    for (const route of documented) {
      const [method, path] = route.split(' ') as [string, string];
      expect(harness.app.hasRoute({ method: method.toUpperCase() as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') }), route).toBe(true);
    }
  });

  it('documents the operator key on operator routes and the signature headers on provider routes', async () => {
    const doc = await document();
    expect(Object.keys(doc.components.securitySchemes)).toContain('operatorKey');
    for (const [method, path] of v1Routes) {
      const operation = doc.paths[path]?.[method];
      if (path.startsWith('/v1/provider/')) {
        expect(operation?.parameters?.filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name).sort()).toEqual(['x-provider-id', 'x-signature', 'x-timestamp']);
      } else {
        expect(operation?.security, `${method} ${path}`).toEqual([{ operatorKey: [] }]);
      }
    }
  });

  it('uses the schema that validates: POST /v1/provider/bet is closed and carries the amount pattern', async () => {
    const doc = await document();
    const media = doc.paths['/v1/provider/bet']?.post?.requestBody?.content['application/json'];
    const schema = media?.schema;
    // The document shows the schema's example next to it (OpenAPI's media example), the rest as it is.
    const { examples, ...validating } = JSON.parse(JSON.stringify(ProviderMoveBody)) as { examples: unknown[] };
    expect(schema).toEqual(validating);
    expect((media as { example?: unknown } | undefined)?.example).toEqual(examples[0]);
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.required).toEqual(['transaction_id', 'player_id', 'round_id', 'game_id', 'amount', 'currency']);
    const amount = (schema?.properties as Record<string, { anyOf: { type: string; pattern?: string }[] }>).amount;
    const pattern = amount?.anyOf.find((option) => option.type === 'string')?.pattern ?? '';
    expect(pattern).toBe('^(0|[1-9][0-9]{0,35})$');
    // What the document says is what the app does: 36 digits pass validation, 37 do not.
    const playerId = await newPlayer();
    const bet = (value: string) => ({ transaction_id: fresh('bet'), player_id: playerId, round_id: 'r', game_id: 'g', amount: value, currency: 'EUR' });
    expect(new RegExp(pattern).test('9'.repeat(36))).toBe(true);
    expectError(await provider('bet', bet('9'.repeat(36))), 422, 'AMOUNT_LIMIT_EXCEEDED');
    expect(new RegExp(pattern).test('1'.padEnd(37, '0'))).toBe(false);
    expectError(await provider('bet', bet('1'.padEnd(37, '0'))), 400, 'VALIDATION_ERROR');
    expectError(await provider('bet', { ...bet('10'), extra: 1 }), 400, 'VALIDATION_ERROR');
  });

  it('closes every request body it documents', async () => {
    const doc = await document();
    for (const [method, path] of v1Routes) {
      const schema = doc.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
      if (schema !== undefined) expect(schema.additionalProperties, `${method} ${path}`).toBe(false);
    }
  });

  it('serves the interactive docs at /docs as HTML', async () => {
    const reply = await harness.app.inject({ method: 'GET', url: '/docs' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.body).toMatch(/<html/i);
  });
});

// BUG (src/api/app.ts, buildApp): ids are 1–128 characters (schemas.ts `Id`, core/ids.ts), but
// Fastify's default maxParamLength of 100 answers any path parameter longer than 100 characters
// with its own 414 body {"error":"Bad Request","code":"FST_ERR_MAX_PARAM_LENGTH",...}, bypassing
// the error handler; a malformed percent-escape gets the same treatment (FST_ERR_BAD_URL, 400).
// So a player registered with a 101–128 character id cannot be read, funded, blocked or listed,
// and the refusal breaks the one error shape of docs/errors.md. These tests fail until buildApp
// sets `routerOptions: { maxParamLength: <at least idLengthMax> }` and a `frameworkErrors`
// handler that answers sendError(reply, 'VALIDATION_ERROR', error.message).
describe('BUG: path parameters of valid length, and malformed paths', () => {
  it('serves every operator route for a player and transaction id of 128 characters', async () => {
    const playerId = `p${'x'.repeat(127)}`;
    const transactionId = `d${'y'.repeat(127)}`;
    expect((await call('POST', '/v1/players', { player_id: playerId, currency: 'EUR' })).status).toBe(201);
    const shown = await call('GET', `/v1/players/${playerId}`);
    expect(shown.status, shown.text).toBe(200);
    const deposited = await call('POST', `/v1/players/${playerId}/deposits`, { transaction_id: transactionId, amount: '100' });
    expect(deposited.status, deposited.text).toBe(200);
    expect((await call('GET', `/v1/players/${playerId}/transactions`)).status).toBe(200);
    expect((await call('GET', `/v1/transactions/operator/${transactionId}`)).status).toBe(200);
  });

  it('answers a too long or malformed path parameter with 400 VALIDATION_ERROR in the contract shape', async () => {
    expectError(await call('GET', `/v1/players/${'a'.repeat(129)}`), 400, 'VALIDATION_ERROR');
    expectError(await call('GET', '/v1/players/%E0%A4%A'), 400, 'VALIDATION_ERROR');
  });
});
