// Goal: GET /v1/players finds players a page at a time, in id order, filtered by status, currency,
// creation time and an id prefix taken literally (LIKE's `_` is not a wildcard), with a bounded
// limit (issue 14, point 18). Method: players registered through the app on a croupier of each
// store whose clock the test moves, then every filter compared with the same filter applied here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCroupier, type Croupier } from '../../src/croupier.js';
import { startTestApp, type TestApp } from '../support/http-app.js';
import { expectRefusal, operatorCalls, type InjectedReply } from '../support/operator-calls.js';
import { storesUnderTest } from '../support/stores.js';

interface Listed {
  player_id: string;
  currency: string;
  status: 'active' | 'blocked';
  balance: { cash: string; bonus: string; total: string };
  created_at: string;
}

interface Page {
  items: Listed[];
  next_cursor: string | null;
}

const start = Date.parse('2026-11-21T12:00:00Z');
const hourMs = 3_600_000;

/** Ids with LIKE's wildcard `_` and its look-alikes; each registered an hour after the previous one. */
const players = [
  { id: 'a_b-1', currency: 'EUR' },
  { id: 'aXb-2', currency: 'EUR' },
  { id: 'a_b-3', currency: 'JPY' },
  { id: 'a.b-4', currency: 'EUR' },
  { id: 'ab', currency: 'EUR' },
  { id: 'b_a', currency: 'JPY' },
  { id: 'a_', currency: 'EUR' },
] as const;
const blocked = new Set(['a_b-3', 'ab']);

for (const store of await storesUnderTest('player search')) {
  describe(`GET /v1/players on ${store.name}`, () => {
    let croupier: Croupier;
    let harness: TestApp;
    let cleanup: () => Promise<void>;
    let nowMs = start;
    const call = operatorCalls(() => harness.app);

    beforeAll(async () => {
      const fresh = store.fresh();
      cleanup = fresh.cleanup;
      croupier = await createCroupier({ ...fresh.options, expirySweepMs: 0, now: () => new Date(nowMs) });
      harness = await startTestApp({ croupier });
      for (const [index, player] of players.entries()) {
        nowMs = start + index * hourMs;
        expect((await call('POST', '/v1/players', { player_id: player.id, currency: player.currency })).status).toBe(201);
        expect((await call('POST', `/v1/players/${player.id}/deposits`, { transaction_id: `d-${player.id}`, amount: String(100 + index) })).status).toBe(200);
      }
      for (const playerId of blocked) expect((await call('POST', `/v1/players/${playerId}/block`)).status).toBe(200);
    });
    afterAll(async () => {
      await harness?.close();
      await croupier?.close();
      await cleanup?.();
    });

    /** Every page of a query, following next_cursor. */
    async function all(query: string, limit: number): Promise<Listed[]> {
      const items: Listed[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 20; pages += 1) {
        const url = `/v1/players?limit=${limit}${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const page: InjectedReply<Page> = await call<Page>('GET', url);
        expect(page.status, page.text).toBe(200);
        expect(page.json.items.length).toBeLessThanOrEqual(limit);
        items.push(...page.json.items);
        cursor = page.json.next_cursor;
        if (cursor === null) return items;
      }
      throw new Error(`more than 20 pages for ${query}`);
    }

    const expected = (keep: (player: (typeof players)[number], index: number) => boolean) =>
      players
        .map((player, index) => ({ player, index }))
        .filter(({ player, index }) => keep(player, index))
        .map(({ player }) => player.id)
        .sort((left, right) => Buffer.compare(Buffer.from(left), Buffer.from(right)));

    it('lists every player in id order with its status, currency, balance and creation time, on pages of any size', async () => {
      const everyone = await all('', 200);
      expect(everyone.map((player) => player.player_id)).toEqual(expected(() => true));
      expect(everyone.find((player) => player.player_id === 'ab')).toEqual({
        player_id: 'ab',
        currency: 'EUR',
        status: 'blocked',
        balance: { cash: '104', bonus: '0', total: '104' },
        created_at: new Date(start + 4 * hourMs).toISOString(),
      });
      for (const limit of [1, 2, 3]) expect(await all('', limit)).toEqual(everyone);
    });

    it('filters by id prefix literally: `_` matches only itself', async () => {
      expect((await all('&id_prefix=a_', 2)).map((player) => player.player_id)).toEqual(expected((player) => player.id.startsWith('a_')));
      expect((await all('&id_prefix=a_b', 1)).map((player) => player.player_id)).toEqual(['a_b-1', 'a_b-3']);
      expect((await all('&id_prefix=a.', 5)).map((player) => player.player_id)).toEqual(['a.b-4']);
      expect(await all('&id_prefix=zz', 5)).toEqual([]);
    });

    it('filters by status, currency and creation time, together', async () => {
      expect((await all('&status=blocked', 1)).map((player) => player.player_id)).toEqual(expected((player) => blocked.has(player.id)));
      expect((await all('&status=active&currency=EUR', 2)).map((player) => player.player_id)).toEqual(expected((player) => !blocked.has(player.id) && player.currency === 'EUR'));
      const since = new Date(start + 3 * hourMs).toISOString();
      expect((await all(`&created_since=${since}`, 2)).map((player) => player.player_id)).toEqual(expected((_player, index) => index >= 3));
      expect((await all(`&created_since=${since}&currency=JPY&id_prefix=b`, 2)).map((player) => player.player_id)).toEqual(['b_a']);
    });

    it('caps the limit at 200 and refuses malformed queries', async () => {
      expect((await call<Page>('GET', '/v1/players?limit=999')).json.items.length).toBe(players.length);
      expect((await call<Page>('GET', '/v1/players')).json.next_cursor).toBeNull();
      for (const query of ['limit=0', 'limit=-1', 'status=closed', 'currency=eur', 'created_since=yesterday', 'created_since=2016-12-31T23:59:60Z', 'created_since=0000-01-01T00:00:00Z', 'id_prefix=a%25', 'id_prefix=', 'cursor=a%20b', 'colour=red']) {
        expectRefusal(await call('GET', `/v1/players?${query}`), 400, 'VALIDATION_ERROR');
      }
    });
  });
}
