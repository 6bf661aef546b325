// Goal: the operator's bonus API end to end: games, campaigns, grants with live progress,
// deposits with a bonus code, cancel, the bonus list and campaign statistics.
// Method: the real Fastify app over an in-memory PGlite croupier, driven with app.inject().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { ProviderRegistry, providersFromEnvironment } from '../../src/api/provider/provider-registry.js';
import { RateLimits } from '../../src/api/rate-limits.js';
import { createCroupier, type Croupier } from '../../src/croupier.js';

const key = 'operator-key-for-bonus-tests';
const headers = { authorization: `Bearer ${key}` };
let croupier: Croupier;
let app: FastifyInstance;

beforeAll(async () => {
  croupier = await createCroupier({ dataDir: null, expirySweepMs: 0 });
  const providers = new ProviderRegistry(providersFromEnvironment('acme:acme-secret-0123456789'), croupier.providers);
  await providers.start(60_000);
  app = await buildApp({ croupier, providers, rateLimits: RateLimits.create({ providerPerSecond: 10_000, operatorPerSecond: 10_000 }), operatorKeys: [key] });
});

afterAll(async () => {
  await app.close();
  await croupier.close();
});

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> & { items?: Record<string, unknown>[] } };
}

describe('bonus API', () => {
  it('runs a campaign from creation to conversion, visible on the player and in the statistics', async () => {
    expect((await call('PUT', '/v1/games/starburst', { category: 'slots', provider_id: 'acme' })).status).toBe(200);
    expect((await call('PUT', '/v1/games/blackjack', { category: 'table' })).status).toBe(200);
    const created = await call('POST', '/v1/campaigns', {
      campaign_id: 'welcome',
      name: 'Welcome 100%',
      type: 'deposit_match',
      currency: 'EUR',
      code: 'WELCOME',
      match_percent: 100,
      match_cap: '10000',
      min_deposit: '1000',
      wagering_multiplier: 2,
      contributions: { slots: 100, table: 10 },
      max_bet: '5000',
      max_conversion: { multiple: 1 },
      validity_seconds: 7 * 86_400,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ campaign_id: 'welcome', wagering_multiplier: 2, max_conversion: { multiple: 1 } });

    await call('POST', '/v1/players', { player_id: 'ann', currency: 'EUR' });
    const deposit = await call('POST', '/v1/players/ann/deposits', { transaction_id: 'd1', amount: '30000', bonus_code: 'WELCOME' });
    expect(deposit).toMatchObject({ status: 200, body: { balance: { cash: '30000', bonus: '10000', total: '40000' } } });
    const player = await call('GET', '/v1/players/ann');
    expect(player.body.active_bonus).toMatchObject({ grant_id: 'deposit-d1', progress: '0', required: '20000', percent: 0 });

    // Provider bets move the progress: 5000 on slots counts 5000, 5000 on blackjack counts 500.
    for (const [transactionId, gameId] of [['b1', 'starburst'], ['b2', 'blackjack']] as const) {
      const outcome = await croupier.execute({ kind: 'bet', source: 'acme', transactionId, playerId: 'ann', roundId: transactionId, gameId, amount: '5000', currency: 'EUR' });
      expect(outcome.ok).toBe(true);
    }
    const progressed = await call('GET', '/v1/players/ann/bonuses');
    expect(progressed.body.items?.[0]).toMatchObject({ state: 'active', wagering: { progress: '5500', required: '20000', percent: 27.5 } });
    // A rolled-back bet no longer counts (the list reads the committed bets, like the engine).
    const extra = await croupier.execute({ kind: 'bet', source: 'acme', transactionId: 'b0', playerId: 'ann', roundId: 'r0', gameId: 'starburst', amount: '1000', currency: 'EUR' });
    expect(extra.ok).toBe(true);
    expect((await call('GET', '/v1/players/ann/bonuses')).body.items?.[0]).toMatchObject({ wagering: { progress: '6500' } });
    expect((await call('GET', '/v1/campaigns/welcome/stats')).body).toMatchObject({ grants: { active: 1 }, amounts: { wagered_by_ended: '0' } });
    const undone = await croupier.execute({ kind: 'rollback', source: 'acme', transactionId: 'rb0', playerId: 'ann', roundId: 'r0', referenceTransactionId: 'b0', unknownBet: 'ok' });
    expect(undone.ok).toBe(true);
    expect((await call('GET', '/v1/players/ann/bonuses')).body.items?.[0]).toMatchObject({ wagering: { progress: '5500' } });
    expect((await call('GET', '/v1/players/ann')).body.active_bonus).toMatchObject({ progress: '5500' });
    const tooBig = await croupier.execute({ kind: 'bet', source: 'acme', transactionId: 'b3', playerId: 'ann', roundId: 'b3', gameId: 'starburst', amount: '5001', currency: 'EUR' });
    expect(tooBig).toMatchObject({ ok: false, code: 'MAX_BET_EXCEEDED' });

    for (const transactionId of ['b4', 'b5', 'b6']) {
      await croupier.execute({ kind: 'bet', source: 'acme', transactionId, playerId: 'ann', roundId: transactionId, gameId: 'starburst', amount: '5000', currency: 'EUR' });
    }
    const done = await call('GET', '/v1/players/ann/bonuses');
    expect(done.body.items?.[0]).toMatchObject({ state: 'completed', wagering: { progress: '20500', percent: 100 } });
    expect((await call('GET', '/v1/players/ann')).body.active_bonus).toBeNull();

    const stats = await call('GET', '/v1/campaigns/welcome/stats');
    expect(stats.body).toMatchObject({ grants: { granted: 1, completed: 1, active: 0 }, conversion_rate: 1, amounts: { granted: '10000', wagered_by_ended: '20500' } });
    expect(await croupier.verifyLedger()).toEqual([]);
  });

  it('grants, queues and cancels by grant id, idempotently', async () => {
    await call('POST', '/v1/campaigns', { campaign_id: 'gift', name: 'Gift', type: 'fixed', currency: 'EUR', fixed_amount: '500', wagering_multiplier: 10, contributions: { slots: 100 }, validity_seconds: 86_400 });
    await call('POST', '/v1/players', { player_id: 'bob', currency: 'EUR' });
    expect((await call('POST', '/v1/players/bob/bonuses', { grant_id: 'g1', campaign_id: 'gift' })).status).toBe(201);
    expect((await call('POST', '/v1/players/bob/bonuses', { grant_id: 'g1', campaign_id: 'gift' })).status).toBe(200);
    expect((await call('POST', '/v1/players/bob/bonuses', { grant_id: 'g2', campaign_id: 'gift' })).status).toBe(201);
    const list = await call('GET', '/v1/players/bob/bonuses');
    expect(list.body.items?.map((item) => [item.grant_id, item.state])).toEqual([['g2', 'queued'], ['g1', 'active']]);
    expect((await call('POST', '/v1/players/bob/bonuses/g1/cancel')).body).toMatchObject({ active_bonus: { grant_id: 'g2' }, balance: { bonus: '500' } });
    expect((await call('POST', '/v1/players/bob/bonuses/nope/cancel')).body).toMatchObject({ error: { code: 'BONUS_NOT_FOUND' } });
    expect((await call('POST', '/v1/players/bob/bonuses', { grant_id: 'g3', campaign_id: 'missing' })).status).toBe(404);
    expect((await call('GET', '/v1/campaigns/gift/stats')).body).toMatchObject({ grants: { granted: 2, active: 1, cancelled: 1 } });
  });

  it('refuses malformed campaigns with VALIDATION_ERROR', async () => {
    const bad = await call('POST', '/v1/campaigns', { campaign_id: 'x', name: 'x', type: 'fixed', currency: 'EUR', wagering_multiplier: 10, validity_seconds: 86_400 });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_ERROR' } } });
    const unknownField = await call('POST', '/v1/campaigns', { campaign_id: 'x', name: 'x', type: 'fixed', currency: 'EUR', fixed_amount: '1', wagering_multiplier: 10, validity_seconds: 86_400, surprise: 1 });
    expect(unknownField.status).toBe(400);
  });
});
