// Goal: creating a campaign is create-only and changes go through PATCH, in the audit log (issue
// 14, point 7); every optional term has a default an operator expects, shown in the OpenAPI, so
// that a campaign made without contributions can be wagered (point 8). Method: the app on an
// in-memory PGlite croupier, called with app.inject(); bets are signed provider calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/http-app.js';
import { expectRefusal, operatorCalls, providerCall } from '../support/operator-calls.js';

const providerId = 'acme';
const providerSecret = 'acme-secret-0123456789abcdef';

let harness: TestApp;
const call = operatorCalls(() => harness.app);
beforeAll(async () => {
  harness = await startTestApp({ providers: `${providerId}:${providerSecret}` });
});
afterAll(async () => {
  await harness?.close();
});

const gift = { name: 'Gift', type: 'fixed', currency: 'EUR', fixed_amount: '1000', wagering_multiplier: 10, validity_seconds: 86_400 };

describe('creating a campaign is create-only', () => {
  it('answers an identical repeat 200 with the same body, and other terms 409 CAMPAIGN_EXISTS without changing the campaign', async () => {
    const created = await call('POST', '/v1/campaigns', { campaign_id: 'once', ...gift });
    expect(created.status, created.text).toBe(201);
    // The same terms, spelled out as their defaults, are the same campaign.
    const spelled = { campaign_id: 'once', ...gift, default_contribution: 100, contributions: { table: 10 }, max_bet: null, funds_order: 'bonus_first' };
    for (const body of [{ campaign_id: 'once', ...gift }, spelled]) {
      const repeated = await call('POST', '/v1/campaigns', body);
      expect(repeated.status, repeated.text).toBe(200);
      expect(repeated.json).toEqual(created.json);
    }
    expectRefusal(await call('POST', '/v1/campaigns', { campaign_id: 'once', ...gift, fixed_amount: '2000' }), 409, 'CAMPAIGN_EXISTS');
    expectRefusal(await call('POST', '/v1/campaigns', { campaign_id: 'once', ...gift, contributions: { table: 50 } }), 409, 'CAMPAIGN_EXISTS');
    expect((await call('GET', '/v1/campaigns/once')).json).toEqual(created.json);
  });

  it('changes a campaign with PATCH: terms left out are kept, null clears, contributions merge, the code stays unique', async () => {
    expect((await call('POST', '/v1/campaigns', { campaign_id: 'patched', ...gift, code: 'PATCHED', max_bet: '500' })).status).toBe(201);
    expect((await call('POST', '/v1/campaigns', { campaign_id: 'other', ...gift, code: 'OTHER' })).status).toBe(201);
    const changed = await call('PATCH', '/v1/campaigns/patched', { fixed_amount: '3000', max_bet: null, contributions: { live: 0 }, active_until: '2100-01-01T00:00:00.000Z' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({ campaign_id: 'patched', code: 'PATCHED', fixed_amount: '3000', max_bet: null, wagering_multiplier: 10, active_until: '2100-01-01T00:00:00.000Z' });
    expect(changed.json.contributions).toEqual({ slots: 100, table: 10, live: 0, sports: 100 });
    expect((await call('GET', '/v1/campaigns/patched')).json).toEqual(changed.json);
    expectRefusal(await call('PATCH', '/v1/campaigns/patched', { code: 'OTHER' }), 400, 'VALIDATION_ERROR');
    expectRefusal(await call('PATCH', '/v1/campaigns/patched', { fixed_amount: '0' }), 400, 'VALIDATION_ERROR');
    expectRefusal(await call('PATCH', '/v1/campaigns/patched', { type: 'deposit_match' }), 400, 'VALIDATION_ERROR');
    expectRefusal(await call('PATCH', '/v1/campaigns/patched', {}), 400, 'VALIDATION_ERROR');
    expectRefusal(await call('PATCH', '/v1/campaigns/patched', { campaign_id: 'renamed' }), 400, 'VALIDATION_ERROR');
    expectRefusal(await call('PATCH', '/v1/campaigns/missing', { fixed_amount: '1' }), 404, 'CAMPAIGN_NOT_FOUND');
    expect((await call('GET', '/v1/campaigns/patched')).json).toEqual(changed.json);
    const log = await call<{ items: { action: string; change: { before?: Record<string, unknown>; after?: Record<string, unknown> } }[] }>('GET', '/v1/audit?target=patched');
    expect(log.json.items.map((item) => item.action)).toEqual(['campaign.update', 'campaign.create']);
    expect(log.json.items[0]?.change.before).toMatchObject({ fixedAmount: '1000', maxBet: '500' });
    expect(log.json.items[0]?.change.after).toMatchObject({ fixedAmount: '3000', maxBet: null });
  });

  it('requires what a campaign type cannot do without', async () => {
    expectRefusal(await call('POST', '/v1/campaigns', { campaign_id: 'no-amount', ...gift, fixed_amount: undefined }), 400, 'VALIDATION_ERROR');
    const match = { campaign_id: 'no-cap', name: 'Match', type: 'deposit_match', currency: 'EUR', match_percent: 100, wagering_multiplier: 10, validity_seconds: 86_400 };
    expectRefusal(await call('POST', '/v1/campaigns', match), 400, 'VALIDATION_ERROR');
    expect((await call('POST', '/v1/campaigns', { ...match, match_cap: '5000' })).status).toBe(201);
  });
});

describe('campaign defaults', () => {
  it('gives every term left out its documented default', async () => {
    const created = await call('POST', '/v1/campaigns', { campaign_id: 'plain', ...gift });
    expect(created.json).toEqual({
      campaign_id: 'plain',
      name: 'Gift',
      type: 'fixed',
      currency: 'EUR',
      code: null,
      match_percent: 0,
      match_cap: '0',
      min_deposit: '0',
      fixed_amount: '1000',
      wagering_multiplier: 10,
      wagering_base: 'bonus',
      contributions: { slots: 100, table: 10, live: 10, sports: 100 },
      default_contribution: 100,
      max_bet: null,
      max_conversion: null,
      validity_seconds: 86_400,
      forfeit_on_withdrawal: false,
      max_grants_per_player: null,
      funds_order: 'bonus_first',
      active_from: '1970-01-01T00:00:00.000Z',
      active_until: null,
    });
  });

  it('lets a campaign made without contributions be wagered: in full on an unknown game, at 10% on a table game', async () => {
    expect((await call('PUT', '/v1/games/blackjack-1', { category: 'table' })).status).toBe(200);
    expect((await call('POST', '/v1/campaigns', { campaign_id: 'wagerable', ...gift })).status).toBeLessThan(300);
    expect((await call('POST', '/v1/players', { player_id: 'wagerer', currency: 'EUR' })).status).toBe(201);
    expect((await call('POST', '/v1/players/wagerer/bonuses', { grant_id: 'w1', campaign_id: 'wagerable' })).status).toBe(201);
    const bet = (transactionId: string, gameId: string) =>
      providerCall(harness.app, providerId, providerSecret, 'bet', { transaction_id: transactionId, player_id: 'wagerer', round_id: `r-${transactionId}`, game_id: gameId, amount: '100', currency: 'EUR' });
    expect((await bet('b1', 'never-catalogued')).status).toBe(200);
    expect((await call('GET', '/v1/players/wagerer')).json.active_bonus).toMatchObject({ progress: '100', required: '10000' });
    expect((await bet('b2', 'blackjack-1')).status).toBe(200);
    expect((await call('GET', '/v1/players/wagerer')).json.active_bonus).toMatchObject({ progress: '110' });
  });

  it('shows each optional term of the body with its default in the OpenAPI, or requires it for its type', async () => {
    const document = (await harness.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, { default?: unknown }>; required: string[]; allOf?: { then: { required: string[] } }[] } }> } }>>;
    };
    const schema = document.paths['/v1/campaigns']?.post?.requestBody?.content['application/json']?.schema;
    if (schema === undefined) throw new Error('POST /v1/campaigns has no body schema');
    const requiredByType = new Set((schema.allOf ?? []).flatMap((rule) => rule.then.required));
    expect([...requiredByType].sort()).toEqual(['fixed_amount', 'match_cap', 'match_percent']);
    for (const [name, property] of Object.entries(schema.properties)) {
      if (schema.required.includes(name) || requiredByType.has(name)) continue;
      expect(property.default, `${name} has no default`).not.toBeUndefined();
    }
    expect(schema.properties.contributions?.default).toEqual({ slots: 100, table: 10, live: 10, sports: 100 });
    expect(schema.properties.default_contribution?.default).toBe(100);
  });
});
