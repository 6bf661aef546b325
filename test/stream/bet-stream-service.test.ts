/**
 * The bet stream as the service wires it (NATS_URL set): one provider's commands get what its
 * HTTP calls get. Its registered settings apply (a win above its max_win, a rollback of an
 * unknown bet under rollback_unknown "error"), its outcome carries the HTTP body and status, a
 * rotated secret verifies while it overlaps, a stale signature goes to the dead letters, and an
 * UNAVAILABLE answer is retried later, never acked.
 *
 * Method: startService on in-memory PGlite with the stream under a prefix of its own; the same
 * move is sent over HTTP (app.inject) and over the stream, and the two answers are compared. The
 * UNAVAILABLE case runs a BetStream over an engine that refuses the first two deliveries.
 */
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GameServerClient, type StreamOutcome } from '../../src/client/game-server-client.js';
import type { CommandInput } from '../../src/core/commands.js';
import { refused, type Outcome } from '../../src/core/outcome.js';
import { openStore } from '../../src/croupier.js';
import { startService, type Service } from '../../src/service.js';
import { BetStream } from '../../src/stream/bet-stream.js';
import { defaultStreamSettings, streamNames, type StreamSettings } from '../../src/stream/stream-settings.js';
import { testOperatorKey } from '../support/http-app.js';
import { deleteStreams, freshStreamPrefix, natsUrl, openNats, requireNats, streamMessages } from '../support/nats.js';
import { operatorCalls, providerCall } from '../support/operator-calls.js';

const natsUp = await requireNats('bet stream service');

const providerId = 'capped-games';
const firstSecret = 'capped-secret-one-0123456789';
const secondSecret = 'capped-secret-two-0123456789';

describe.skipIf(!natsUp)('bet stream: as the service wires it', () => {
  const prefix = freshStreamPrefix('svc');
  const names = streamNames(prefix);
  let service: Service;
  let connection: NatsConnection;
  let client: GameServerClient;
  let outcomes: AsyncGenerator<StreamOutcome>;

  beforeAll(async () => {
    const settings: StreamSettings = { ...defaultStreamSettings, subjectPrefix: prefix };
    service = await startService(
      {
        port: 0,
        host: '127.0.0.1',
        croupier: { client: await openStore({ dataDir: null }), engine: { partitionCount: 2 } },
        providers: undefined,
        operatorKeys: testOperatorKey,
        nodeEnv: 'test',
        rateLimits: { providerPerSecond: 100_000, operatorPerSecond: 100_000 },
        logLevel: 'silent',
        betStream: { natsUrl, settings },
      },
      pino({ level: 'silent' }),
    );
    const operator = operatorCalls(() => service.app);
    expect((await operator('POST', '/v1/providers', { provider_id: providerId, secret: firstSecret, rollback_unknown: 'error', max_win: '1000' })).status).toBe(201);
    for (const playerId of ['svc-1', 'svc-2']) {
      expect(await service.croupier.execute({ kind: 'register', playerId, currency: 'EUR' })).toMatchObject({ ok: true });
      expect(await service.croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `fund-${playerId}`, playerId, amount: '100000', currency: 'EUR' })).toMatchObject({ ok: true });
    }
    connection = await openNats();
    client = new GameServerClient({ connection, providerId, secret: firstSecret, partitionCount: 2, subjectPrefix: prefix });
    // The streams exist once the service's stream has connected.
    await waitFor(async () => (await streamMessages(connection, names.outcomesStream).catch(() => -1)) === 0, 10_000);
    outcomes = client.outcomes('all');
  });

  afterAll(async () => {
    try {
      await outcomes?.return(undefined);
      await service?.stop();
      await connection?.close();
    } finally {
      await deleteStreams(prefix);
    }
  });

  it("applies the provider's settings and answers as its HTTP API does", { timeout: 30_000 }, async () => {
    const bet = (playerId: string, id: string) => ({ transaction_id: id, player_id: playerId, round_id: `round-${id}`, game_id: 'slots', amount: '500', currency: 'EUR' });
    // Over HTTP, for player svc-1.
    const httpBet = await providerCall(service.app, providerId, firstSecret, 'bet', bet('svc-1', 'h-bet'));
    const httpWin = await providerCall(service.app, providerId, firstSecret, 'win', { ...bet('svc-1', 'h-win'), round_id: 'round-h-bet', amount: '5000' });
    const httpRollback = await providerCall(service.app, providerId, firstSecret, 'rollback', { transaction_id: 'h-rb', player_id: 'svc-1', round_id: 'round-x', reference_transaction_id: 'never-seen' });
    // The same over the stream, for player svc-2.
    await client.publishBet(bet('svc-2', 's-bet'));
    await client.publishWin({ ...bet('svc-2', 's-win'), round_id: 'round-s-bet', amount: '5000' });
    await client.publishRollback({ transaction_id: 's-rb', player_id: 'svc-2', round_id: 'round-x', reference_transaction_id: 'never-seen' });
    const [streamBet, streamWin, streamRollback] = await take(outcomes, 3);

    expect(streamBet).toMatchObject({ transactionId: 's-bet', kind: 'bet', status: httpBet.status, body: { ...httpBet.json, transaction_id: 's-bet' } });
    expect(httpWin.status).not.toBe(200);
    expect(streamWin).toMatchObject({ transactionId: 's-win', kind: 'win', status: httpWin.status, body: { error: { code: (httpWin.json.error as { code: string }).code } } });
    expect(httpRollback.status).toBe(404);
    expect(streamRollback).toMatchObject({ transactionId: 's-rb', kind: 'rollback', status: 404, body: { error: { code: 'BET_NOT_FOUND' } } });
  });

  it('verifies either secret while a rotation overlaps, and dead-letters a stale signature', { timeout: 30_000 }, async () => {
    const operator = operatorCalls(() => service.app);
    expect((await operator('POST', `/v1/providers/${providerId}/secret-rotations`, { secret: secondSecret })).status).toBe(200);
    const rotated = new GameServerClient({ connection, providerId, secret: secondSecret, partitionCount: 2, subjectPrefix: prefix });
    const stale = new GameServerClient({ connection, providerId, secret: secondSecret, partitionCount: 2, subjectPrefix: prefix, nowSeconds: () => Math.floor(Date.now() / 1000) - 1_000 });
    const move = (id: string) => ({ transaction_id: id, player_id: 'svc-1', round_id: `round-${id}`, game_id: 'slots', amount: '10', currency: 'EUR' });
    await client.publishBet(move('old-secret'));
    await rotated.publishBet(move('new-secret'));
    await stale.publishBet(move('stale'));
    const answered = await take(outcomes, 2);
    expect(answered.map((outcome) => [outcome.transactionId, outcome.status])).toEqual([
      ['old-secret', 200],
      ['new-secret', 200],
    ]);
    await waitFor(async () => (await streamMessages(connection, names.deadLetterStream)) === 1, 10_000);
    const letter = await (await jetstream(connection).consumers.get(names.deadLetterStream)).next();
    expect(letter?.json()).toMatchObject({ reason: 'invalid_signature', detail: 'stale_timestamp' });
  });
});

describe.skipIf(!natsUp)('bet stream: UNAVAILABLE', () => {
  const prefix = freshStreamPrefix('unav');
  const names = streamNames(prefix);
  let stream: BetStream | null = null;
  let connection: NatsConnection | null = null;

  afterAll(async () => {
    try {
      await stream?.stop();
      await connection?.close();
    } finally {
      await deleteStreams(prefix);
    }
  });

  it('is retried later, never acked, and answered once the engine takes it', { timeout: 30_000 }, async () => {
    const provider = { providerId: 'retry-games', secrets: ['retry-secret'], rollbackUnknown: 'ok', winMax: null, roundPayoutMax: null, previousSecretExpiresAt: null, configuredBy: 'operator' } as const;
    const seen: CommandInput[] = [];
    const engine = {
      settings: { partitionCount: 1 },
      execute: async (input: CommandInput): Promise<Outcome> => {
        seen.push(input);
        if (seen.length <= 2) return refused('UNAVAILABLE', 'the ledger store did not confirm this operation');
        return { ok: true, playerId: 'u-1', currency: 'EUR', transactionId: 'u-bet', duplicate: false, balance: { cash: 90n, bonus: 0n }, status: 'active', activeBonus: null };
      },
    };
    const settings: StreamSettings = { ...defaultStreamSettings, subjectPrefix: prefix, retryDelayMsMin: 200 };
    stream = BetStream.start({ url: natsUrl, settings, croupier: engine, findProvider: () => provider, log: { warn: () => undefined, error: () => undefined } });
    connection = await openNats();
    const open = connection;
    await waitFor(() => stream?.status().connected === true, 10_000);
    const client = new GameServerClient({ connection, providerId: provider.providerId, secret: 'retry-secret', partitionCount: 1, subjectPrefix: prefix });
    await client.publishBet({ transaction_id: 'u-bet', player_id: 'u-1', round_id: 'u-round', game_id: 'slots', amount: '10', currency: 'EUR' });
    const [outcome] = await take(client.outcomes(), 1);
    expect(seen.length, 'two UNAVAILABLE answers, then the one that counted').toBe(3);
    expect(outcome).toMatchObject({ transactionId: 'u-bet', status: 200, body: { transaction_id: 'u-bet', balance: { cash: '90', bonus: '0', total: '90' }, currency: 'EUR', duplicate: false } });
    await waitFor(async () => (await streamMessages(open, names.commandsStream)) === 0, 10_000);
    expect(await streamMessages(open, names.deadLetterStream)).toBe(0);
  });
});

async function take(outcomes: AsyncGenerator<StreamOutcome>, count: number): Promise<StreamOutcome[]> {
  const read: StreamOutcome[] = [];
  while (read.length < count) {
    const next = await outcomes.next();
    if (next.done === true) break;
    read.push(next.value);
  }
  return read;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
