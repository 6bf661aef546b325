// Goal: every operator call that changes state is in the audit log with the key's id (never the
// key), the time, the request id and the change; refusals and replays are not; GET /v1/audit pages
// it newest first and filters it by target and action (issue 14, point 17). Method: one of each
// change through the app on a croupier of each store (app.inject), then the log read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCroupier, type Croupier } from '../../src/croupier.js';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { expectRefusal, operatorCalls, type InjectedReply } from '../support/operator-calls.js';
import { storesUnderTest } from '../support/stores.js';

const secondKey = 'second-operator-key-0123456789';

interface AuditItem {
  audit_id: string;
  at: string;
  actor: string;
  request_id: string;
  action: string;
  target: string;
  change: Record<string, unknown>;
}

interface AuditPage {
  items: AuditItem[];
  next_cursor: string | null;
}

for (const store of await storesUnderTest('audit log')) {
  describe(`audit log on ${store.name}`, () => {
    let croupier: Croupier;
    let harness: TestApp;
    let cleanup: () => Promise<void>;
    const call = operatorCalls(() => harness.app);
    const callAsSecond = operatorCalls(() => harness.app, secondKey);
    /** The calls that changed something, in order: what the log must hold. */
    const changes: { action: string; target: string; reply: InjectedReply }[] = [];
    const changed = async (action: string, target: string, reply: Promise<InjectedReply>) => {
      const answered = await reply;
      expect(answered.status, answered.text).toBeLessThan(300);
      changes.push({ action, target, reply: answered });
    };

    beforeAll(async () => {
      const fresh = store.fresh();
      cleanup = fresh.cleanup;
      croupier = await createCroupier({ ...fresh.options, expirySweepMs: 0 });
      harness = await startTestApp({ croupier, operatorKeys: [testOperatorKey, secondKey] });
      const campaign = { name: 'Gift', type: 'fixed', currency: 'EUR', fixed_amount: '100', wagering_multiplier: 1, validity_seconds: 86_400 };
      const match = { campaign_id: 'match', name: 'Match', type: 'deposit_match', currency: 'EUR', match_percent: 100, match_cap: '100', wagering_multiplier: 1, validity_seconds: 86_400 };
      await changed('player.register', 'ann', call('POST', '/v1/players', { player_id: 'ann', currency: 'EUR' }));
      await changed('player.deposit', 'ann', call('POST', '/v1/players/ann/deposits', { transaction_id: 'd1', amount: '1000' }));
      await changed('player.withdrawal', 'ann', callAsSecond('POST', '/v1/players/ann/withdrawals', { transaction_id: 'w1', amount: '300' }));
      await changed('game.put', 'slot-1', call('PUT', '/v1/games/slot-1', { category: 'slots' }));
      await changed('campaign.create', 'gift', call('POST', '/v1/campaigns', { campaign_id: 'gift', ...campaign }));
      await changed('campaign.create', 'match', call('POST', '/v1/campaigns', match));
      await changed('bonus.grant', 'ann', call('POST', '/v1/players/ann/bonuses', { grant_id: 'g1', campaign_id: 'gift' }));
      await changed('bonus.cancel', 'ann', call('POST', '/v1/players/ann/bonuses/g1/cancel'));
      await changed('bonus.opt_in', 'ann', call('POST', '/v1/players/ann/bonus-opt-ins', { campaign_id: 'match' }));
      await changed('provider.create', 'acme', call('POST', '/v1/providers', { provider_id: 'acme', secret: 'acme-secret-0123456789abcdef' }));
      await changed('player.block', 'ann', call('POST', '/v1/players/ann/block'));
      await changed('player.unblock', 'ann', call('POST', '/v1/players/ann/unblock'));
    });
    afterAll(async () => {
      await harness?.close();
      await croupier?.close();
      await cleanup?.();
    });

    async function wholeLog(query = '', limit = 200): Promise<AuditItem[]> {
      const items: AuditItem[] = [];
      let cursor: string | null = null;
      do {
        const separator = query === '' ? '' : '&';
        const page: InjectedReply<AuditPage> = await call<AuditPage>('GET', `/v1/audit?limit=${limit}${separator}${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(page.status, page.text).toBe(200);
        expect(page.json.items.length).toBeLessThanOrEqual(limit);
        items.push(...page.json.items);
        cursor = page.json.next_cursor;
      } while (cursor !== null);
      return items;
    }

    it('records each change, newest first, with the key id, the time, the request id and the change', async () => {
      const log = await wholeLog();
      expect(log.map((item) => [item.action, item.target])).toEqual(changes.map((change) => [change.action, change.target]).reverse());
      const fingerprint = /^key:[0-9a-f]{12}$/;
      for (const [index, item] of [...log].reverse().entries()) {
        const change = changes[index];
        expect(item.actor).toMatch(fingerprint);
        expect(item.request_id).toBe(change?.reply.headers['x-request-id']);
        expect(Date.now() - Date.parse(item.at)).toBeLessThan(120_000);
      }
      expect(new Set(log.map((item) => item.actor)).size).toBe(2);
      expect(JSON.stringify(log)).not.toContain(testOperatorKey);
      expect(JSON.stringify(log)).not.toContain(secondKey);
      expect(JSON.stringify(log)).not.toContain('acme-secret');
      expect(log.find((item) => item.action === 'player.deposit')?.change).toMatchObject({ kind: 'deposit', transactionId: 'd1', amount: '1000' });
    });

    it('records neither refusals nor replays', async () => {
      const before = (await wholeLog()).length;
      expect((await call('POST', '/v1/players/ann/deposits', { transaction_id: 'd1', amount: '1000' })).json.duplicate).toBe(true);
      expect((await call('POST', '/v1/players', { player_id: 'ann', currency: 'EUR' })).status).toBe(200);
      expectRefusal(await call('POST', '/v1/players/ann/withdrawals', { transaction_id: 'w2', amount: '999999' }), 422, 'INSUFFICIENT_FUNDS');
      expectRefusal(await call('POST', '/v1/players/nobody/deposits', { transaction_id: 'd9', amount: '1' }), 404, 'PLAYER_NOT_FOUND');
      expectRefusal(await call('POST', '/v1/campaigns', { campaign_id: 'gift', name: 'x', type: 'fixed', currency: 'EUR', fixed_amount: '1', wagering_multiplier: 1, validity_seconds: 86_400 }), 409, 'CAMPAIGN_EXISTS');
      expect((await call('POST', '/v1/providers', { provider_id: 'acme', secret: 'acme-secret-0123456789abcdef' })).status).toBe(200);
      expect((await wholeLog()).length).toBe(before);
    });

    it('pages with a cursor and a limit, and filters by target and action', async () => {
      const whole = await wholeLog();
      expect(await wholeLog('', 3)).toEqual(whole);
      const ann = await wholeLog('target=ann', 2);
      expect(ann.map((item) => item.action)).toEqual(whole.filter((item) => item.target === 'ann').map((item) => item.action));
      const deposits = await wholeLog('action=player.deposit');
      expect(deposits.map((item) => item.target)).toEqual(['ann']);
      expect((await wholeLog('action=campaign.create&target=match')).map((item) => item.target)).toEqual(['match']);
      expectRefusal(await call('GET', '/v1/audit?action=player.delete'), 400, 'VALIDATION_ERROR');
      expectRefusal(await call('GET', '/v1/audit?cursor=abc'), 400, 'VALIDATION_ERROR');
      expectRefusal(await call('GET', '/v1/audit?limit=0'), 400, 'VALIDATION_ERROR');
      expect((await call<AuditPage>('GET', '/v1/audit?limit=999')).json.items.length).toBe(whole.length);
    });
  });
}
