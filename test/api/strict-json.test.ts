// Goal: a body means one thing. An amount is exactly what its JSON text says or it is refused
// (JSON.parse rounds 0.99999999999999999 to 1 and 9007199254740990.5 to 9007199254740990), and
// a key sent twice is refused instead of letting the last one win; both with VALIDATION_ERROR,
// on the provider API (signed) and the operator API, and nothing moves.
// Method: the app as startService wires it on in-memory PGlite, driven with app.inject(); raw
// JSON text is sent as written. jsonBodyProblem is also checked on its own, against fast-check's
// JSON documents.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBodyProblem } from '../../src/api/json-body.js';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { signedHeaders } from '../support/http-provider-client.js';

const providerId = 'strict-games';
const secret = 'strict-games-secret-0123456789';
let started: TestApp;

beforeAll(async () => {
  started = await startTestApp({ providers: `${providerId}:${secret}` });
  expect((await operator('POST', '/v1/players', JSON.stringify({ player_id: 'sj-1', currency: 'EUR' }))).statusCode).toBe(201);
  expect((await operator('POST', '/v1/players/sj-1/deposits', JSON.stringify({ transaction_id: 'sj-fund', amount: '1000' }))).statusCode).toBe(200);
  const campaign = { campaign_id: 'sj-fixed', name: 'fixed', type: 'free_spins_winnings', currency: 'EUR', wagering_multiplier: 1, validity_seconds: 86_400 };
  expect((await operator('POST', '/v1/campaigns', JSON.stringify(campaign))).statusCode).toBe(201);
});

afterAll(async () => {
  await started?.close();
});

function operator(method: 'GET' | 'POST', url: string, payload?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${testOperatorKey}` };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return started.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
}

function provider(operation: string, payload: string) {
  return started.app.inject({ method: 'POST', url: `/v1/provider/${operation}`, headers: { 'content-type': 'application/json', ...signedHeaders(providerId, secret, payload) }, payload });
}

function expectValidationError(response: { statusCode: number; json: () => unknown }): string {
  expect(response.statusCode).toBe(400);
  const body = response.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe('VALIDATION_ERROR');
  return body.error.message;
}

async function cashOf(playerId: string): Promise<string> {
  const response = await operator('GET', `/v1/players/${playerId}`);
  return (response.json() as { balance: { cash: string } }).balance.cash;
}

/** JSON numbers that JSON.parse reads as another value, or that are not integers at all. */
const inexactAmounts = ['0.99999999999999999', '100.000000000000001', '9007199254740990.5', '1e3', '1E3', '10.0', '9007199254740993', '18446744073709551616', '1e400'];

describe('amounts are exactly their JSON text', () => {
  it('refuses inexact JSON numbers on bets and wins, and books nothing', async () => {
    for (const amount of inexactAmounts) {
      for (const kind of ['bet', 'win']) {
        const raw = `{"transaction_id":"sj-${kind}-${amount}","player_id":"sj-1","round_id":"sj-round","game_id":"slot","amount":${amount},"currency":"EUR"}`;
        expect(expectValidationError(await provider(kind, raw))).toContain('amount');
      }
    }
    expect(await cashOf('sj-1')).toBe('1000');
  });

  it('refuses them on deposits, withdrawals and grants', async () => {
    for (const amount of inexactAmounts) {
      expectValidationError(await operator('POST', '/v1/players/sj-1/deposits', `{"transaction_id":"sj-d","amount":${amount}}`));
      expectValidationError(await operator('POST', '/v1/players/sj-1/withdrawals', `{"transaction_id":"sj-w","amount":${amount}}`));
      expectValidationError(await operator('POST', '/v1/players/sj-1/bonuses', `{"grant_id":"sj-g","campaign_id":"sj-fixed","amount":${amount}}`));
    }
    expect(await cashOf('sj-1')).toBe('1000');
    expect((await operator('GET', '/v1/players/sj-1/bonuses')).json()).toEqual({ items: [] });
  });

  it('still takes strings of digits and small JSON integers', async () => {
    expect((await operator('POST', '/v1/players', '{"player_id":"sj-2","currency":"EUR"}')).statusCode).toBe(201);
    const deposit = await operator('POST', '/v1/players/sj-2/deposits', '{"transaction_id":"sj-ok-1","amount":1000}');
    expect(deposit.statusCode, deposit.body).toBe(200);
    const asNumber = await provider('bet', '{"transaction_id":"sj-ok-2","player_id":"sj-2","round_id":"sj-ok","game_id":"slot","amount":250,"currency":"EUR"}');
    expect(asNumber.statusCode, asNumber.body).toBe(200);
    const asString = await provider('bet', '{"transaction_id":"sj-ok-3","player_id":"sj-2","round_id":"sj-ok","game_id":"slot","amount":"250","currency":"EUR"}');
    expect(asString.statusCode, asString.body).toBe(200);
    expect(await cashOf('sj-2')).toBe('500');
  });
});

describe('a key sent twice is refused', () => {
  it('on signed provider calls: player_id, round_id, amount and reference_transaction_id', async () => {
    const bodies = [
      '{"transaction_id":"sj-dup-1","player_id":"sj-1","round_id":"r","game_id":"slot","amount":"5","amount":"500","currency":"EUR"}',
      '{"transaction_id":"sj-dup-2","player_id":"sj-x","player_id":"sj-1","round_id":"r","game_id":"slot","amount":"5","currency":"EUR"}',
      '{"transaction_id":"sj-dup-3","player_id":"sj-1","round_id":"r1","round_id":"r2","game_id":"slot","amount":"5","currency":"EUR"}',
      // An escaped key is the same key.
      '{"transaction_id":"sj-dup-4","player_id":"sj-1","round_id":"r","game_id":"slot","amount":"5","am\\u006funt":"5","currency":"EUR"}',
    ];
    for (const raw of bodies) expect(expectValidationError(await provider('bet', raw))).toMatch(/appears twice/);
    expectValidationError(await provider('rollback', '{"transaction_id":"sj-rb","player_id":"sj-1","round_id":"r","reference_transaction_id":"a","reference_transaction_id":"b"}'));
    expectValidationError(await provider('balance', '{"player_id":"sj-1","player_id":"sj-1"}'));
    expect(await cashOf('sj-1')).toBe('1000');
  });

  it('on operator calls, at any depth', async () => {
    expectValidationError(await operator('POST', '/v1/players/sj-1/deposits', '{"transaction_id":"d2","amount":"5","amount":"500000"}'));
    const campaign = (field: string) =>
      `{"campaign_id":"sj-nested","name":"n","type":"fixed","currency":"EUR","fixed_amount":"100","wagering_multiplier":1,"validity_seconds":86400,${field}}`;
    expectValidationError(await operator('POST', '/v1/campaigns', campaign('"contributions":{"slots":10,"slots":100}')));
    expectValidationError(await operator('POST', '/v1/campaigns', campaign('"max_conversion":{"multiple":1,"multiple":2}')));
    expect(await cashOf('sj-1')).toBe('1000');
  });
});

describe('jsonBodyProblem', () => {
  // Any key but "__proto__", which is refused on its own (below).
  const key = fc.string().filter((text) => text !== '__proto__');

  it('finds nothing in JSON documents whose numbers are safe integers and whose keys are unique', () => {
    const integers = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    const document = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, integers, fc.string(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    })).value;
    fc.assert(fc.property(document, (value) => jsonBodyProblem(JSON.stringify(value)) === null));
  });

  it('finds a repeated key wherever it is, and a number that is not an exact integer', () => {
    const object = fc.dictionary(key, fc.string(), { minKeys: 1, maxKeys: 5 });
    fc.assert(
      fc.property(object, fc.nat(), (value, pick) => {
        const keys = Object.keys(value);
        const repeated = keys[pick % keys.length] as string;
        const text = `${JSON.stringify(value).slice(0, -1)},${JSON.stringify(repeated)}:0}`;
        return jsonBodyProblem(`[${text}]`)?.includes('appears twice') === true;
      }),
    );
    for (const number of inexactAmounts) expect(jsonBodyProblem(`{"a":[${number}]}`)).not.toBeNull();
    expect(jsonBodyProblem('{"a":{"b":1},"b":{"a":1}}')).toBeNull();
    expect(jsonBodyProblem('{"a":"x\\"y","b":"1.5"}')).toBeNull();
    // JSON.parse makes "__proto__" an own key; the schemas' records must never see one.
    expect(jsonBodyProblem('{"a":{"__proto__":{"x":1}}}')).toMatch(/__proto__/);
  });
});
