// Goal: every answer says what happened. A grant that queues answers with that grant (not the
// player's other, active bonus); an opt-in names the campaign opted into; the provider balance
// answer has no `duplicate`; a rollback in the history shows the amount it returned; and the
// OpenAPI enum of history types is exactly the kinds the store can write (tombstones excepted,
// which the history never shows).
// Method: the app on in-memory PGlite driven with app.inject(); the kinds are read from the
// `transactions_kind_check` constraint of a freshly migrated PGlite through pg_constraint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/croupier.js';
import { migrate } from '../../src/store/migrate.js';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { signedHeaders } from '../support/http-provider-client.js';

const providerId = 'say-games';
const secret = 'say-games-secret-0123456789';
let started: TestApp;

beforeAll(async () => {
  started = await startTestApp({ providers: `${providerId}:${secret}` });
});

afterAll(async () => {
  await started?.close();
});

async function operator(method: 'GET' | 'POST', url: string, payload?: object) {
  const response = await started.app.inject({ method, url, headers: { authorization: `Bearer ${testOperatorKey}` }, ...(payload === undefined ? {} : { payload }) });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

async function provider(operation: string, body: object) {
  const payload = JSON.stringify(body);
  const response = await started.app.inject({ method: 'POST', url: `/v1/provider/${operation}`, headers: { 'content-type': 'application/json', ...signedHeaders(providerId, secret, payload) }, payload });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

async function newPlayer(playerId: string, cash: string): Promise<void> {
  expect((await operator('POST', '/v1/players', { player_id: playerId, currency: 'EUR' })).status).toBe(201);
  if (cash !== '0') expect((await operator('POST', `/v1/players/${playerId}/deposits`, { transaction_id: `fund-${playerId}`, amount: cash })).status).toBe(200);
}

describe('answers that say what happened', () => {
  it('a queued grant answers with that grant, the active one stays on the player', async () => {
    const gift = { name: 'Gift', type: 'fixed', currency: 'EUR', fixed_amount: '500', wagering_multiplier: 10, validity_seconds: 86_400 };
    expect((await operator('POST', '/v1/campaigns', { campaign_id: 'say-gift', ...gift })).status).toBe(201);
    await newPlayer('say-1', '0');
    const first = await operator('POST', '/v1/players/say-1/bonuses', { grant_id: 'say-g1', campaign_id: 'say-gift' });
    expect(first.status).toBe(201);
    expect(first.body.grant).toMatchObject({ grant_id: 'say-g1', campaign_id: 'say-gift', state: 'active', amount: '500' });
    const queued = await operator('POST', '/v1/players/say-1/bonuses', { grant_id: 'say-g2', campaign_id: 'say-gift' });
    expect(queued.status).toBe(201);
    expect(queued.body.grant).toMatchObject({ grant_id: 'say-g2', state: 'queued', amount: '500' });
    expect(queued.body.active_bonus).toMatchObject({ grant_id: 'say-g1' });
    const replay = await operator('POST', '/v1/players/say-1/bonuses', { grant_id: 'say-g2', campaign_id: 'say-gift' });
    expect(replay.status).toBe(200);
    expect(replay.body.grant).toMatchObject({ grant_id: 'say-g2', state: 'queued' });
  });

  it('an opt-in names the campaign it opted into', async () => {
    const match = { name: 'Match', type: 'deposit_match', currency: 'EUR', match_percent: 100, match_cap: '1000', wagering_multiplier: 1, validity_seconds: 86_400 };
    expect((await operator('POST', '/v1/campaigns', { campaign_id: 'say-match', ...match })).status).toBe(201);
    await newPlayer('say-2', '0');
    const optIn = await operator('POST', '/v1/players/say-2/bonus-opt-ins', { campaign_id: 'say-match' });
    expect(optIn.status).toBe(200);
    expect(optIn.body.opted_in).toEqual({ campaign_id: 'say-match', duplicate: false });
    const again = await operator('POST', '/v1/players/say-2/bonus-opt-ins', { campaign_id: 'say-match' });
    expect(again.body.opted_in).toEqual({ campaign_id: 'say-match', duplicate: true });
  });

  it('the provider balance answer has no duplicate field', async () => {
    await newPlayer('say-3', '700');
    const balance = await provider('balance', { player_id: 'say-3' });
    expect(balance.status).toBe(200);
    expect(balance.body).toEqual({ balance: { cash: '700', bonus: '0', total: '700' }, currency: 'EUR' });
  });

  it('a rollback in the history shows the amount it returned', async () => {
    await newPlayer('say-4', '1000');
    const bet = { transaction_id: 'say-bet', player_id: 'say-4', round_id: 'say-round', game_id: 'slot', amount: '300', currency: 'EUR' };
    expect((await provider('bet', bet)).status).toBe(200);
    const rollback = { transaction_id: 'say-rb', player_id: 'say-4', round_id: 'say-round', reference_transaction_id: 'say-bet' };
    expect((await provider('rollback', rollback)).status).toBe(200);
    const item = await operator('GET', `/v1/transactions/${providerId}/say-rb`);
    expect(item.body).toMatchObject({ type: 'rollback', amount: '300', cash: '300', bonus: '0', reference_transaction_id: 'say-bet' });
    const page = await operator('GET', '/v1/players/say-4/transactions');
    expect((page.body.items as Record<string, unknown>[])[0]).toMatchObject({ transaction_id: 'say-rb', amount: '300' });
  });
});

describe('history types', () => {
  it('the OpenAPI enum of history item types is what the store can write, tombstones excepted', async () => {
    const sql = await openStore({ dataDir: null });
    let storeKinds: string[];
    try {
      await migrate(sql);
      const rows = await sql.query<{ definition: string }>("SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = 'transactions_kind_check'");
      expect(rows).toHaveLength(1);
      storeKinds = [...(rows[0]?.definition ?? '').matchAll(/'([a-z_]+)'/g)].map((match) => match[1] as string);
    } finally {
      await sql.close();
    }
    expect(storeKinds).toContain('bonus_credit');
    const document = (await started.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      components?: { schemas?: Record<string, unknown> };
      paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { properties: { type: { enum?: string[] } } } }> }> }>>;
    };
    const entry = document.paths['/v1/transactions/{source}/{transaction_id}']?.get?.responses['200']?.content['application/json']?.schema;
    expect(entry?.properties.type.enum?.slice().sort()).toEqual(storeKinds.filter((kind) => kind !== 'tombstone').sort());
  });
});
