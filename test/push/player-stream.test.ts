// Goal: GET /v1/stream pushes a player's own committed events (balance changes, wagering progress,
// bonus states) and nothing of another player's, behind a short-lived token the operator API
// issues; a reconnect with ?after= gets every missed event once, in order, then live ones; a
// client that reads nothing, or answers no ping, is cut off and holds bounded memory; a
// thousand sockets work at once.
// Method: the app on in-memory PGlite, listening on loopback; real WebSocket clients (ws), and
// for stuck clients a raw TCP socket that completes the handshake and never reads again. What a
// socket received is compared with the events the store holds for its player.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCroupier, type Croupier } from '../../src/croupier.js';
import { PlayerTokens } from '../../src/push/player-tokens.js';
import { campaign } from '../support/catalogue.js';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { openSilentStream, openStream, StreamRefused, type StreamClient, type StreamMessage } from './stream-client.js';

const secret = 'stream-test-secret-0123456789-abcdefghij';
const tokens = new PlayerTokens(secret);

let croupier: Croupier;
let started: TestApp;
let baseUrl: string;

beforeAll(async () => {
  croupier = await createCroupier({ dataDir: null, engine: { partitionCount: 4 }, expirySweepMs: 0 });
  await croupier.catalogue.saveCampaign(campaign({ campaignId: 'welcome', fixedAmount: 300n, wageringMultiplier: 2 }));
  await croupier.catalogue.saveGames([{ gameId: 'slot', providerId: null, category: 'slots', name: null }]);
  started = await startTestApp({ croupier, listen: true, push: { tokens, limits: { socketsPerPlayerMax: 3 } } });
  baseUrl = started.baseUrl!;
});

afterAll(async () => {
  await started?.close();
  await croupier?.close();
});

async function register(playerId: string, deposit = '100000'): Promise<void> {
  await croupier.execute({ kind: 'register', playerId, currency: 'EUR' });
  await croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: deposit });
}

async function bet(playerId: string, round: string, amount = '10'): Promise<void> {
  const outcome = await croupier.execute({ kind: 'bet', source: 'prov', playerId, roundId: round, gameId: 'slot', currency: 'EUR', transactionId: `b-${playerId}-${round}`, amount });
  expect(outcome.ok).toBe(true);
}

async function tokenFor(playerId: string, body: unknown = {}): Promise<{ status: number; json: Record<string, string> }> {
  const reply = await started.app.inject({ method: 'POST', url: `/v1/players/${playerId}/tokens`, headers: { authorization: `Bearer ${testOperatorKey}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: reply.statusCode, json: reply.json() as Record<string, string> };
}

async function streamOf(playerId: string, after?: number): Promise<StreamClient> {
  const { json } = await tokenFor(playerId);
  return openStream(baseUrl, `?token=${json.token}${after === undefined ? '' : `&after=${after}`}`);
}

/** The player's events the store holds, as a socket should have received them (refusals are not pushed). */
async function storedSequences(playerId: string): Promise<number[]> {
  const partition = started.app.pushHub.partitionOf(playerId);
  const events = await croupier.events.read({ partition, afterSequence: -1n, limit: 10_000, playerId });
  return events.filter(({ event }) => event.type !== 'transaction.refused').map(({ sequence }) => Number(sequence));
}

const sequencesOf = (messages: StreamMessage[]): number[] => messages.filter((message) => !message.type.startsWith('stream.')).map((message) => Number(message.sequence));

async function refusalOf(query: string, headers: Record<string, string> = {}): Promise<StreamRefused> {
  const refused = await openStream(baseUrl, query, headers).then(
    (client) => {
      client.close();
      throw new Error('the stream was opened');
    },
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(StreamRefused);
  return refused as StreamRefused;
}

function expectErrorBody(refused: StreamRefused, status: number, code: string): string {
  expect(refused.status).toBe(status);
  const body = JSON.parse(refused.body) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe('POST /v1/players/{player_id}/tokens', () => {
  it('issues a token for a known player, bounded in time, behind the operator key', async () => {
    await register('tok-1');
    const issued = await tokenFor('tok-1', { ttl_seconds: 60 });
    expect(issued.status).toBe(201);
    expect(issued.json.player_id).toBe('tok-1');
    expect(Date.parse(String(issued.json.expires_at)) - Date.now()).toBeGreaterThan(55_000);
    expect(Date.parse(String(issued.json.expires_at)) - Date.now()).toBeLessThanOrEqual(61_000);
    expect(await tokens.verify(issued.json.token)).toMatchObject({ playerId: 'tok-1' });
    const empty = await started.app.inject({ method: 'POST', url: '/v1/players/tok-1/tokens', headers: { authorization: `Bearer ${testOperatorKey}` } });
    expect(empty.statusCode, empty.body).toBe(201);
    expect((await tokenFor('tok-1', { ttl_seconds: 86_401 })).status).toBe(400);
    expect((await tokenFor('nobody-here')).json).toMatchObject({ error: { code: 'PLAYER_NOT_FOUND' } });
    const unauthorised = await started.app.inject({ method: 'POST', url: '/v1/players/tok-1/tokens' });
    expect(unauthorised.statusCode).toBe(401);
  });
});

describe('GET /v1/stream refuses', () => {
  it('a missing, malformed, foreign or expired token before the upgrade, with the error body', async () => {
    await register('ref-1');
    expect(expectErrorBody(await refusalOf(''), 401, 'INVALID_TOKEN')).toMatch(/no player token/);
    expect(expectErrorBody(await refusalOf('?token=not.a.jwt'), 401, 'INVALID_TOKEN')).toMatch(/not valid/);
    const foreign = await new PlayerTokens('another-secret-0123456789-abcdefghijklmn').issue('ref-1');
    expect(expectErrorBody(await refusalOf(`?token=${foreign.token}`), 401, 'INVALID_TOKEN')).toMatch(/not valid/);
    const expired = await new PlayerTokens(secret, () => Date.now() - 3_600_000).issue('ref-1', 60);
    expect(expectErrorBody(await refusalOf(`?token=${expired.token}`), 401, 'INVALID_TOKEN')).toMatch(/expired/);
    expect(expectErrorBody(await refusalOf('', { authorization: `Bearer ${expired.token}` }), 401, 'INVALID_TOKEN')).toMatch(/expired/);
    const valid = (await tokenFor('ref-1')).json.token;
    expectErrorBody(await refusalOf(`?token=${valid}&after=-3`), 400, 'VALIDATION_ERROR');
    const plain = await fetch(`${baseUrl}/v1/stream?token=${valid}`);
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ error: { code: 'UPGRADE_REQUIRED' } });
  });

  it('a socket past the per-player maximum, and opens one with the token in the Authorization header', async () => {
    await register('lim-1');
    const { token } = (await tokenFor('lim-1')).json;
    const open = await Promise.all([1, 2, 3].map(() => openStream(baseUrl, '', { authorization: `Bearer ${token}` })));
    expect(expectErrorBody(await refusalOf(`?token=${token}`), 429, 'TOO_MANY_CONNECTIONS')).toMatch(/3 sockets/);
    for (const client of open) client.close();
    await Promise.all(open.map((client) => client.closed));
  });
});

describe('GET /v1/stream pushes', () => {
  it("the player's own balance changes, wagering progress and bonus states, and nothing of another player", async () => {
    await register('own-a');
    await register('own-b');
    const a = await streamOf('own-a');
    const b = await streamOf('own-b');
    await croupier.execute({ kind: 'grant_bonus', playerId: 'own-a', grantId: 'g-a', campaignId: 'welcome' });
    for (let round = 0; round < 5; round += 1) {
      await Promise.all([bet('own-a', `r${round}`), bet('own-b', `r${round}`)]);
    }
    await croupier.execute({ kind: 'bet', source: 'prov', playerId: 'own-b', roundId: 'big', gameId: 'slot', currency: 'EUR', transactionId: 'too-big', amount: '99999999' });
    const storedA = await storedSequences('own-a');
    const storedB = await storedSequences('own-b');
    await a.waitFor((messages) => sequencesOf(messages).at(-1) === storedA.at(-1));
    await b.waitFor((messages) => sequencesOf(messages).at(-1) === storedB.at(-1));
    expect(a.messages[0]).toMatchObject({ type: 'stream.hello', player_id: 'own-a', partition: started.app.pushHub.partitionOf('own-a'), after: null });
    expect(new Set(a.events().map((message) => message.player_id))).toEqual(new Set(['own-a']));
    expect(new Set(b.events().map((message) => message.player_id))).toEqual(new Set(['own-b']));
    const types = new Set(a.events().map((message) => message.type));
    for (const type of ['bonus.granted', 'bonus.activated', 'transaction.bonus_credit', 'transaction.bet', 'wagering.progressed']) expect(types).toContain(type);
    expect(b.events().map((message) => message.type)).not.toContain('transaction.refused');
    const lastBet = a.events().filter((message) => message.type === 'transaction.bet').at(-1)!;
    expect(lastBet).toMatchObject({ partition: started.app.pushHub.partitionOf('own-a'), payload: { kind: 'bet', amount: '10', currency: 'EUR', round_id: 'r4', balance_after: { cash: '100000', bonus: String(300 - 50) } } });
    expect(BigInt(lastBet.id!)).toBe((BigInt(lastBet.partition!) << 40n) + BigInt(lastBet.sequence!));
    // Strictly increasing: no repeat, in sequence order; and exactly the stored events of the player.
    expect(sequencesOf(a.messages)).toEqual(storedA.filter((sequence) => sequence >= sequencesOf(a.messages)[0]!));
    a.close();
    b.close();
  });
});

describe('a reconnect with ?after=', () => {
  it('gets every event missed while away, once and in order, then live ones, even as bets commit during the catch-up', async () => {
    await register('res-1');
    const first = await streamOf('res-1');
    for (let round = 0; round < 3; round += 1) await bet('res-1', `a${round}`);
    await first.waitFor((messages) => sequencesOf(messages).length === 3);
    const lastSeen = sequencesOf(first.messages).at(-1)!;
    first.close();
    await first.closed;
    // Missed while away; then more while the second socket catches up.
    for (let round = 0; round < 40; round += 1) await bet('res-1', `b${round}`);
    const during = Promise.all(Array.from({ length: 40 }, (_, round) => bet('res-1', `c${round}`)));
    const second = await streamOf('res-1', lastSeen);
    await during;
    for (let round = 0; round < 5; round += 1) await bet('res-1', `d${round}`);
    const stored = await storedSequences('res-1');
    await second.waitFor((messages) => sequencesOf(messages).at(-1) === stored.at(-1));
    expect(second.messages[0]).toMatchObject({ type: 'stream.hello', after: String(lastSeen) });
    expect(second.messages.some((message) => message.type === 'stream.live')).toBe(true);
    const received = [...sequencesOf(first.messages), ...sequencesOf(second.messages)];
    expect(received).toEqual(stored.filter((sequence) => sequence >= received[0]!));
    second.close();
  });
});

describe('bounds', () => {
  it('cuts off a client that reads nothing once its send buffer passes the limit', async () => {
    const small = await startTestApp({ croupier, listen: true, push: { tokens, limits: { sendBufferBytesMax: 64 * 1024 } } });
    try {
      await register('slow-1', '100000000');
      const { token } = (await tokenFor('slow-1')).json;
      const silent = await openSilentStream(small.baseUrl!, `?token=${token}`);
      expect(small.app.pushHub.figures().sockets).toBe(1);
      let round = 0;
      while (small.app.pushHub.figures().sockets > 0 && round < 60_000) {
        await Promise.all(Array.from({ length: 500 }, () => bet('slow-1', `s${(round += 1)}`, '1')));
      }
      expect(small.app.pushHub.figures()).toMatchObject({ sockets: 0, cutOff: 1 });
      silent.destroy();
    } finally {
      await small.close();
    }
  }, 120_000);

  it('closes a socket that answers no ping within a heartbeat, and one whose token expired', async () => {
    const quick = await startTestApp({ croupier, listen: true, push: { tokens, limits: { heartbeatMs: 100 } } });
    try {
      await register('beat-1');
      const { token } = (await tokenFor('beat-1')).json;
      const silent = await openSilentStream(quick.baseUrl!, `?token=${token}`);
      expect(quick.app.pushHub.figures().sockets).toBe(1);
      const deadline = Date.now() + 10_000;
      while (quick.app.pushHub.figures().sockets > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(quick.app.pushHub.figures()).toMatchObject({ sockets: 0, cutOff: 0 });
      silent.destroy();
      // A client that answers every ping (ws does) is still closed once its token expires.
      const short = await tokens.issue('beat-1', 3);
      const live = await openStream(quick.baseUrl!, `?token=${short.token}`);
      expect(await live.closed).toMatchObject({ code: 4001 });
      expect(Date.now()).toBeGreaterThanOrEqual(short.expiresAtMs);
    } finally {
      await quick.close();
    }
  }, 30_000);

  it('tells every socket 1001 (going away) when the server stops', async () => {
    const stopping = await startTestApp({ croupier, listen: true, push: { tokens } });
    await register('stop-1');
    const client = await openStream(stopping.baseUrl!, `?token=${(await tokens.issue('stop-1')).token}`);
    await stopping.close();
    expect(await client.closed).toMatchObject({ code: 1001 });
    expect(stopping.app.pushHub.figures().sockets).toBe(0);
  });

  it('serves 1,000 sockets at once, each with its own events', async () => {
    const players = Array.from({ length: 1_000 }, (_, index) => `many-${index}`);
    await Promise.all(players.map((playerId) => croupier.execute({ kind: 'register', playerId, currency: 'EUR' })));
    const startedAt = Date.now();
    const issued = await Promise.all(players.map((playerId) => tokens.issue(playerId)));
    const clients = await Promise.all(issued.map(({ token }) => openStream(baseUrl, `?token=${token}`)));
    expect(started.app.pushHub.figures().sockets).toBeGreaterThanOrEqual(1_000);
    await Promise.all(players.map((playerId) => croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: '500' })));
    await Promise.all(clients.map((client) => client.waitFor((messages) => messages.some((message) => message.type === 'transaction.deposit'), 20_000)));
    clients.forEach((client, index) => {
      expect(client.events()).toHaveLength(1);
      expect(client.events()[0]).toMatchObject({ player_id: players[index], payload: { amount: '500', balance_after: { cash: '500' } } });
    });
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    for (const client of clients) client.close();
    await Promise.all(clients.map((client) => client.closed));
  }, 60_000);
});
