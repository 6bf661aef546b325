// Goal: GET /v1/reports/ggr sums the ledger exactly: for every grouping, each row equals the sum
// of the history it covers (bets, wins, rollbacks, GGR, bonus credited, converted, forfeited,
// bonus cost, NGR), and the range is validated and bounded (issue 14, point 19). Method: seeded
// random play through the API (two providers, three games, two currencies, bonuses that convert
// under a cap, are cancelled or expire) on a clock that moves six hours per step, on a croupier
// of each store; then every player's history is read page by page and summed here with bigints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCroupier, type Croupier } from '../../src/croupier.js';
import { startTestApp, type TestApp } from '../support/http-app.js';
import { expectRefusal, operatorCalls, providerCall, type InjectedReply } from '../support/operator-calls.js';
import { storesUnderTest } from '../support/stores.js';

const providers = { alpha: 'alpha-secret-0123456789abcdef', beta: 'beta-secret-0123456789abcdef' } as const;
const games = ['slot-a', 'slot-b', 'table-c'] as const;
const start = Date.parse('2026-11-01T00:00:00Z');
const stepMs = 6 * 3_600_000;
const dayMs = 86_400_000;

interface HistoryItem {
  transaction_id: string;
  type: string;
  cash: string;
  bonus: string;
  game_id: string | null;
  provider: string | null;
  reference_transaction_id: string | null;
  created_at: string;
}

interface ReportItem {
  group: string | null;
  currency: string;
  [measure: string]: string | null;
}

/** A small seeded generator (mulberry32), so that a failure replays. */
function random(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return Math.floor((((value ^ (value >>> 14)) >>> 0) / 4_294_967_296) * below);
  };
}

/** The kinds the report counts; deposits and withdrawals are not play. */
const reported = new Set(['bet', 'win', 'rollback', 'bonus_credit', 'bonus_conversion', 'bonus_forfeit']);

const measures = ['bets', 'wins', 'rollbacks', 'ggr', 'bonus_credited', 'bonus_converted', 'bonus_forfeited', 'bonus_cost', 'ngr'] as const;

/** The report computed from history items here: what each kind moved on the player's side. */
function expectedReport(items: readonly (HistoryItem & { currency: string })[], groupOf: (item: HistoryItem) => string | null): ReportItem[] {
  const rows = new Map<string, { group: string | null; currency: string; sums: Record<(typeof measures)[number], bigint> }>();
  for (const item of items) {
    if (!reported.has(item.type)) continue;
    const moved = BigInt(item.cash) + BigInt(item.bonus);
    const group = groupOf(item);
    const key = `${group}|${item.currency}`;
    const row = rows.get(key) ?? { group, currency: item.currency, sums: Object.fromEntries(measures.map((measure) => [measure, 0n])) as Record<(typeof measures)[number], bigint> };
    rows.set(key, row);
    const sums = row.sums;
    if (item.type === 'bet') sums.bets -= moved;
    else if (item.type === 'win') sums.wins += moved;
    else if (item.type === 'rollback') sums.rollbacks += moved;
    else if (item.type === 'bonus_credit') sums.bonus_credited += BigInt(item.bonus);
    else if (item.type === 'bonus_conversion') {
      sums.bonus_converted += BigInt(item.cash);
      sums.bonus_forfeited -= moved;
    } else if (item.type === 'bonus_forfeit') sums.bonus_forfeited -= moved;
  }
  return [...rows.values()].map(({ group, currency, sums }) => {
    const ggr = sums.bets - sums.wins - sums.rollbacks;
    const cost = sums.bonus_credited - sums.bonus_forfeited;
    const all = { ...sums, ggr, bonus_cost: cost, ngr: ggr - cost };
    return { group, currency, ...Object.fromEntries(measures.map((measure) => [measure, all[measure].toString()])) };
  });
}

const byKey = (rows: readonly ReportItem[]) => [...rows].sort((left, right) => `${left.group}|${left.currency}`.localeCompare(`${right.group}|${right.currency}`));

for (const store of await storesUnderTest('GGR report')) {
  describe(`GET /v1/reports/ggr on ${store.name}`, () => {
    let croupier: Croupier;
    let harness: TestApp;
    let cleanup: () => Promise<void>;
    let nowMs = start;
    const call = operatorCalls(() => harness.app);
    const players: { id: string; currency: string }[] = [];

    beforeAll(async () => {
      const fresh = store.fresh();
      cleanup = fresh.cleanup;
      croupier = await createCroupier({ ...fresh.options, expirySweepMs: 0, now: () => new Date(nowMs) });
      harness = await startTestApp({ croupier, providers: Object.entries(providers).map(([id, secret]) => `${id}:${secret}`).join(',') });
      await play(random(14));
    }, 120_000);
    afterAll(async () => {
      await harness?.close();
      await croupier?.close();
      await cleanup?.();
    });

    async function play(draw: (below: number) => number): Promise<void> {
      for (const gameId of games) expect((await call('PUT', `/v1/games/${gameId}`, { category: gameId.startsWith('table') ? 'table' : 'slots' })).status).toBe(200);
      // An instant bonus converts as it activates (under a cap that forfeits the rest); a slow one is played, cancelled or expires.
      const kinds = { instant: { wagering_multiplier: 0, max_conversion: { absolute: '300' } }, slow: { wagering_multiplier: 20 } };
      for (const [kind, terms] of Object.entries(kinds)) {
        for (const currency of ['EUR', 'JPY']) {
          const campaign = { campaign_id: `${kind}-${currency.toLowerCase()}`, name: kind, currency, type: 'fixed', fixed_amount: '500', validity_seconds: 2 * 86_400, ...terms };
          expect((await call('POST', '/v1/campaigns', campaign)).status).toBe(201);
        }
      }
      for (let index = 0; index < 6; index += 1) {
        const player = { id: `p${index}`, currency: index % 3 === 2 ? 'JPY' : 'EUR' };
        players.push(player);
        expect((await call('POST', '/v1/players', { player_id: player.id, currency: player.currency })).status).toBe(201);
        expect((await call('POST', `/v1/players/${player.id}/deposits`, { transaction_id: `d-${player.id}`, amount: '20000' })).status).toBe(200);
      }
      const bets: { playerId: string; provider: keyof typeof providers; transactionId: string; roundId: string; gameId: string; currency: string }[] = [];
      for (let step = 0; step < 160; step += 1) {
        nowMs = start + step * stepMs;
        const player = players[draw(players.length)] as { id: string; currency: string };
        const provider: keyof typeof providers = draw(2) === 0 ? 'alpha' : 'beta';
        const choice = draw(20);
        if (choice === 0) {
          const kind = draw(3) === 0 ? 'instant' : 'slow';
          const grant = await call('POST', `/v1/players/${player.id}/bonuses`, { grant_id: `g${step}`, campaign_id: `${kind}-${player.currency.toLowerCase()}` });
          expect(grant.status).toBeLessThan(300);
        } else if (choice === 1) {
          await call('POST', `/v1/players/${player.id}/bonuses/g${step - draw(30)}/cancel`);
        } else if (choice === 2) {
          await call('GET', `/v1/players/${player.id}/bonuses`); // applies a due expiry
        } else if (choice < 12 || bets.length === 0) {
          const bet = { playerId: player.id, provider, transactionId: `b${step}`, roundId: `r${step}`, gameId: games[draw(games.length)] as string, currency: player.currency };
          await providerCall(harness.app, provider, providers[provider], 'bet', { transaction_id: bet.transactionId, player_id: bet.playerId, round_id: bet.roundId, game_id: bet.gameId, amount: String(1 + draw(400)), currency: bet.currency });
          bets.push(bet);
        } else {
          const bet = bets[draw(bets.length)] as (typeof bets)[number];
          const body = { transaction_id: `m${step}`, player_id: bet.playerId, round_id: bet.roundId };
          if (choice < 17) await providerCall(harness.app, bet.provider, providers[bet.provider], 'win', { ...body, game_id: bet.gameId, amount: String(draw(900)), currency: bet.currency });
          else await providerCall(harness.app, bet.provider, providers[bet.provider], 'rollback', { ...body, reference_transaction_id: bet.transactionId });
        }
      }
    }

    /** Every history item of every player, with the player's currency. */
    async function history(): Promise<(HistoryItem & { currency: string })[]> {
      const items: (HistoryItem & { currency: string })[] = [];
      for (const player of players) {
        let cursor: string | null = null;
        do {
          const page: InjectedReply<{ items: HistoryItem[]; next_cursor: string | null }> = await call('GET', `/v1/players/${player.id}/transactions?limit=50${cursor === null ? '' : `&cursor=${cursor}`}`);
          expect(page.status, page.text).toBe(200);
          items.push(...page.json.items.map((item) => ({ ...item, currency: player.currency })));
          cursor = page.json.next_cursor;
        } while (cursor !== null);
      }
      return items;
    }

    async function report(query: string): Promise<ReportItem[]> {
      const reply = await call<{ items: ReportItem[] }>('GET', `/v1/reports/ggr?${query}`);
      expect(reply.status, reply.text).toBe(200);
      return reply.json.items;
    }

    it('matches the sum of the history it covers, for every grouping, over the whole play and over a window', async () => {
      const items = await history();
      const kinds = new Set(items.map((item) => item.type));
      for (const kind of ['bet', 'win', 'rollback', 'bonus_credit', 'bonus_conversion', 'bonus_forfeit']) expect(kinds, `the play made no ${kind}`).toContain(kind);
      const betGames = new Map(items.filter((item) => item.type === 'bet').map((item) => [`${item.provider}/${item.transaction_id}`, item.game_id]));
      const money = new Set(['bet', 'win', 'rollback']);
      const groupings = {
        currency: () => null,
        provider: (item: HistoryItem) => (money.has(item.type) ? item.provider : null),
        game: (item: HistoryItem) => item.game_id ?? (item.type === 'rollback' ? (betGames.get(`${item.provider}/${item.reference_transaction_id}`) ?? null) : null),
        day: (item: HistoryItem) => item.created_at.slice(0, 10),
      };
      const windows = [
        { from: new Date(start).toISOString(), to: new Date(start + 60 * dayMs).toISOString() },
        { from: '2026-11-08', to: '2026-11-23T06:00:00Z' },
      ];
      for (const window of windows) {
        const covered = items.filter((item) => Date.parse(item.created_at) >= Date.parse(window.from) && Date.parse(item.created_at) < Date.parse(window.to));
        for (const [groupBy, groupOf] of Object.entries(groupings)) {
          const actual = await report(`from=${window.from}&to=${window.to}&group_by=${groupBy}`);
          expect(byKey(actual), `${groupBy} from ${window.from}`).toEqual(byKey(expectedReport(covered, groupOf)));
        }
      }
    });

    it('groups by currency unless told otherwise, and answers exact integer strings', async () => {
      const rows = await report('from=2026-11-01&to=2027-01-01');
      expect(rows.map((row) => row.currency).sort()).toEqual(['EUR', 'JPY']);
      for (const row of rows) {
        expect(row.group).toBeNull();
        for (const measure of measures) expect(row[measure]).toMatch(/^-?[0-9]+$/);
        expect(BigInt(row.ggr as string)).toBe(BigInt(row.bets as string) - BigInt(row.wins as string) - BigInt(row.rollbacks as string));
      }
      expect(await report('from=2020-01-01&to=2020-01-02')).toEqual([]);
    });

    it('validates and bounds the range', async () => {
      for (const query of [
        'from=2026-11-02&to=2026-11-01',
        'from=2026-11-01&to=2026-11-01',
        'from=2026-01-01&to=2027-01-03',
        'from=2026-11-01',
        'to=2026-11-01',
        'from=2026-13-01&to=2026-12-01',
        'from=2026-02-30&to=2026-03-01',
        'from=yesterday&to=2026-11-01',
        'from=0000-01-01&to=0000-12-01',
        'from=2016-12-31T23:59:60Z&to=2017-01-02T00:00:00Z',
        'from=2026-11-01&to=2026-11-02&group_by=player',
        'from=2026-11-01&to=2026-11-02&extra=1',
      ]) {
        expectRefusal(await call('GET', `/v1/reports/ggr?${query}`), 400, 'VALIDATION_ERROR');
      }
      expect((await call('GET', '/v1/reports/ggr?from=2026-01-01&to=2027-01-02')).status).toBe(200);
    });
  });
}
