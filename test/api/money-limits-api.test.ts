// Goal: the money limits hold over HTTP on both APIs (issue 14, point 1): a deposit of 36 nines
// is refused by the currency's transaction maximum (before, it was booked three times and the
// balance reached 37 digits), and a provider's maximum win and round payout, set with PATCH,
// refuse a signed win above them (before, a win of 10^35 on an open round was paid). Nothing moves.
// Method: the app on an in-memory croupier, app.inject(), the balance read back after each refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/http-app.js';
import { expectRefusal, operatorCalls, providerCall } from '../support/operator-calls.js';

const secret = 'limits-secret-0123456789abcdef';

describe('money limits over HTTP', () => {
  let node: TestApp;
  const call = operatorCalls(() => node.app);

  beforeAll(async () => {
    node = await startTestApp();
    expect((await call('POST', '/v1/providers', { provider_id: 'capped', secret })).status).toBe(201);
    expect((await call('POST', '/v1/players', { player_id: 'p', currency: 'EUR' })).status).toBe(201);
    expect((await call('POST', '/v1/players/p/deposits', { transaction_id: 'd0', amount: '100000' })).status).toBe(200);
  });
  afterAll(async () => node?.close());

  const balance = async () => (await call<{ balance: { cash: string } }>('GET', '/v1/players/p')).json.balance.cash;

  it('refuses a deposit above the transaction maximum three times over, booking none', async () => {
    for (const attempt of [1, 2, 3]) {
      expectRefusal(await call('POST', '/v1/players/p/deposits', { transaction_id: `nines-${attempt}`, amount: '9'.repeat(36) }), 422, 'AMOUNT_LIMIT_EXCEEDED');
    }
    expect(await balance()).toBe('100000');
  });

  it("refuses a signed win above the provider's maximum win and past its round payout maximum", async () => {
    const move = (kind: 'bet' | 'win', transactionId: string, amount: string) => ({ transaction_id: transactionId, player_id: 'p', round_id: 'r1', game_id: 'slot', amount, currency: 'EUR' });
    expect((await providerCall(node.app, 'capped', secret, 'bet', move('bet', 'b1', '1000'))).status).toBe(200);
    expectRefusal(await providerCall(node.app, 'capped', secret, 'win', move('win', 'w0', (10n ** 35n).toString())), 422, 'AMOUNT_LIMIT_EXCEEDED');
    expect((await call('PATCH', '/v1/providers/capped', { max_win: '5000', max_round_payout: '8000' })).status).toBe(200);
    expectRefusal(await providerCall(node.app, 'capped', secret, 'win', move('win', 'w1', '5001')), 422, 'WIN_LIMIT_EXCEEDED');
    expect((await providerCall(node.app, 'capped', secret, 'win', move('win', 'w2', '5000'))).status).toBe(200);
    expectRefusal(await providerCall(node.app, 'capped', secret, 'win', move('win', 'w3', '3001')), 422, 'WIN_LIMIT_EXCEEDED');
    expect(await balance()).toBe(String(100_000 - 1_000 + 5_000));
  });
});

describe('money limits in the OpenAPI', () => {
  it('states the limits the server enforces, configured or default', async () => {
    const node = await startTestApp();
    try {
      const document = (await node.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { info: { description: string } };
      expect(document.info.description).toContain('EUR 100000000 / 10000000000');
      expect(document.info.description).toContain('AMOUNT_LIMIT_EXCEEDED');
    } finally {
      await node.close();
    }
  });
});
