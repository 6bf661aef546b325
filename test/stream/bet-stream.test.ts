/**
 * Bet-stream ingestion under duplicates and poison (docs/stream.md): 10,000 commands published to
 * JetStream, 5% of them duplicates and 1% poison, end with the ledger exactly as if each valid
 * command were applied once, every poison message in the dead letters with its reason, and one
 * outcome per valid command.
 *
 * Method: a croupier (PGlite in memory, 4 partitions) consumes a stream of its own subject
 * prefix. The seeded workload (test/support/stream-workload.ts) is published in waves through
 * the game-server client. Half of the duplicates are re-published through the client (same
 * Nats-Msg-Id: JetStream drops them), half raw under another message id (they reach the engine,
 * which answers them as replays, and their outcome's message id drops it). Poison of each reason
 * is published raw; its stream sequence is what the dead letter must name. Once the commands
 * stream is empty the test reads the outcomes and dead letters and compares balances with a model.
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/api/provider/provider-registry.js';
import { GameServerClient, type StreamOutcome } from '../../src/client/game-server-client.js';
import { partitionOf } from '../../src/core/partitioning.js';
import { BetStream } from '../../src/stream/bet-stream.js';
import { sealEnvelope, type PoisonReason } from '../../src/stream/envelope.js';
import { defaultStreamSettings, streamNames, type StreamSettings } from '../../src/stream/stream-settings.js';
import { deleteStreams, freshStreamPrefix, openNats, requireNats, streamMessages } from '../support/nats.js';
import { roomyMoneyLimits } from '../support/roomy-limits.js';
import { modelBalances, seededRandom, streamCurrency, streamInitialCash, streamPlayers, streamWaves, type StreamOp } from '../support/stream-workload.js';
import { createTestCroupier, type TestCroupier } from '../support/test-croupier.js';

const natsUp = await requireNats('bet stream');

const partitionCount = 4;
const playerCount = 200;
const publishedCount = 10_000;
const duplicateCount = 500;
const poisonCount = 100;
const validCount = publishedCount - duplicateCount - poisonCount;
const drainWaitMs = 45_000;

const provider: Provider = {
  providerId: 'stream-games',
  // A rotation overlaps: either secret signs.
  secrets: ['current-secret', 'previous-secret'],
  rollbackUnknown: 'ok',
  winMax: null,
  roundPayoutMax: null,
  previousSecretExpiresAt: null,
  configuredBy: 'operator',
};

describe.skipIf(!natsUp)('bet stream: duplicates and poison', () => {
  const prefix = freshStreamPrefix('dup');
  const settings: StreamSettings = { ...defaultStreamSettings, subjectPrefix: prefix, fetchBatchMax: 256 };
  const names = streamNames(prefix);
  let croupier: TestCroupier | null = null;
  let stream: BetStream | null = null;
  let connection: NatsConnection | null = null;

  afterAll(async () => {
    try {
      await stream?.stop();
      await croupier?.close();
      await connection?.close();
    } finally {
      await deleteStreams(prefix);
    }
  });

  it('applies each valid command once, dead-letters each poison with its reason, answers each valid one once', { timeout: 90_000 }, async () => {
    const seed = Number(process.env.STREAM_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`[bet stream seed=${seed}]`);
    const random = seededRandom(seed);
    const players = streamPlayers(playerCount, 'dup');
    const openedAt = Date.now();
    croupier = await createTestCroupier({ dataDir: null, engine: { partitionCount, moneyLimits: roomyMoneyLimits } });
    await fund(croupier, players);
    stream = BetStream.start({ url: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222', settings, croupier, findProvider: (id) => (id === provider.providerId ? provider : undefined), log: silentLog });
    connection = await openNats();
    const js = jetstream(connection);
    await waitFor(() => stream?.status().connected === true, 10_000, 'the bet stream connects');
    const clients = provider.secrets.map((secret) => new GameServerClient({ connection: connection as NatsConnection, providerId: provider.providerId, secret, partitionCount, subjectPrefix: prefix }));

    // Publish: valid waves, with duplicates and poison mixed in between waves.
    const waves = streamWaves(players, validCount, random);
    const startedAt = Date.now();
    console.log(`[bet stream seed=${seed}] set up in ${startedAt - openedAt} ms`);
    const valid = waves.flat();
    const poison = new Map<number, PoisonReason>();
    const extras = mixedExtras();
    let published = 0;
    let validPublished = 0;
    for (const [index, wave] of waves.entries()) {
      const answers = await Promise.all(wave.map((op, position) => publishOp(clients[(index + position) % clients.length] as GameServerClient, op)));
      expect(answers.every((answer) => !answer.duplicate), 'a first publication is never a duplicate').toBe(true);
      published += wave.length;
      validPublished += wave.length;
      const mixed = extras.splice(0, Math.ceil((duplicateCount + poisonCount) / waves.length)).map(async (extra) => {
        // An op already published: a duplicate repeats it, poison borrows its player.
        const op = valid[Math.floor(random() * validPublished)] as StreamOp;
        published += 1;
        if (extra.type === 'poison') poison.set(await publishPoison(js, clients[0] as GameServerClient, extra.reason, op, names, published), extra.reason);
        else await publishDuplicate(js, clients[0] as GameServerClient, op, extra.sameMessageId);
      });
      await Promise.all(mixed);
    }
    console.log(`[bet stream seed=${seed}] published ${published} commands in ${Date.now() - startedAt} ms`);
    expect(extras).toEqual([]);
    expect(published).toBe(publishedCount);
    expect(poison.size).toBe(poisonCount);

    // Drain: every command acked, every outcome and dead letter published.
    await waitFor(
      async () => (await streamMessages(connection as NatsConnection, names.commandsStream)) === 0 && (await streamMessages(connection as NatsConnection, names.outcomesStream)) >= validCount,
      drainWaitMs,
      'the stream drains',
    );
    console.log(`[bet stream seed=${seed}] drained ${Date.now() - startedAt} ms after the first publication`);
    expect(await streamMessages(connection, names.outcomesStream), 'exactly one outcome per valid command').toBe(validCount);
    expect(await streamMessages(connection, names.deadLetterStream), 'one dead letter per poison message').toBe(poisonCount);

    // Outcomes: one per valid command, each accepted and not a replay, under the command's message id.
    const outcomes = await collect((clients[0] as GameServerClient).outcomes(), validCount);
    console.log(`[bet stream seed=${seed}] outcomes read ${Date.now() - startedAt} ms after the first publication`);
    const byId = new Map(outcomes.map((outcome) => [outcome.messageId, outcome]));
    expect(byId.size).toBe(validCount);
    for (const op of valid) {
      const outcome = byId.get(`${provider.providerId}:${op.body.transaction_id}`);
      expect(outcome, `outcome of ${op.kind} ${op.body.transaction_id}`).toMatchObject({ status: 200, kind: op.kind, playerId: op.body.player_id, transactionId: op.body.transaction_id });
      expect(outcome?.body).toMatchObject({ transaction_id: op.body.transaction_id, currency: streamCurrency, duplicate: false });
    }

    // Dead letters: each poison, by its stream sequence, with its reason.
    const letters = await deadLetters(js, names.deadLetterStream, poisonCount);
    expect(new Map(letters.map((letter) => [letter.stream_sequence, letter.reason]))).toEqual(poison);
    expect(letters.every((letter) => letter.detail.length > 0 && (letter.data !== undefined || letter.data_base64 !== undefined))).toBe(true);

    // The ledger: exactly the model of each valid command applied once.
    console.log(`[bet stream seed=${seed}] checked ${Date.now() - startedAt} ms after the first publication`);
    const model = modelBalances(players, valid);
    expect(await croupier.verifyLedger()).toEqual([]);
    const balances = await Promise.all(players.map((playerId) => (croupier as TestCroupier).execute({ kind: 'balance', playerId })));
    players.forEach((playerId, index) => {
      expect(balances[index], `balance of ${playerId}`).toMatchObject({ ok: true, balance: { cash: model.get(playerId), bonus: 0n } });
    });
  });
});

const silentLog = { warn: () => undefined, error: () => undefined };

async function fund(croupier: TestCroupier, players: readonly string[]): Promise<void> {
  const registered = await Promise.all(players.map((playerId) => croupier.execute({ kind: 'register', playerId, currency: streamCurrency })));
  expect(registered.every((outcome) => outcome.ok)).toBe(true);
  const funded = await Promise.all(
    players.map((playerId) => croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `fund-${playerId}`, playerId, amount: streamInitialCash.toString(), currency: streamCurrency })),
  );
  expect(funded.every((outcome) => outcome.ok)).toBe(true);
}

function publishOp(client: GameServerClient, op: StreamOp): Promise<{ duplicate: boolean }> {
  if (op.kind === 'rollback') return client.publishRollback(op.body);
  return op.kind === 'bet' ? client.publishBet(op.body) : client.publishWin(op.body);
}

type Extra = { readonly type: 'duplicate'; readonly sameMessageId: boolean } | { readonly type: 'poison'; readonly reason: PoisonReason };

const poisonReasons: readonly PoisonReason[] = ['unparseable', 'invalid_envelope', 'unknown_provider', 'invalid_signature', 'invalid_body', 'wrong_partition'];

/** The duplicates and the poison, interleaved: every sixth extra is poison, of each reason in turn. */
function mixedExtras(): Extra[] {
  const extras: Extra[] = [];
  for (let index = 0; index < duplicateCount + poisonCount; index += 1) {
    if (index % 6 === 5) extras.push({ type: 'poison', reason: poisonReasons[Math.floor(index / 6) % poisonReasons.length] as PoisonReason });
    else extras.push({ type: 'duplicate', sameMessageId: index % 2 === 0 });
  }
  return extras;
}

async function publishDuplicate(js: JetStreamClient, client: GameServerClient, op: StreamOp, sameMessageId: boolean): Promise<void> {
  if (sameMessageId) {
    expect((await publishOp(client, op)).duplicate, 'JetStream drops a re-publication').toBe(true);
    return;
  }
  const envelope = sealEnvelope(provider.providerId, 'current-secret', Math.floor(Date.now() / 1000), { kind: op.kind, ...op.body } as never);
  const ack = await js.publish(client.subjectOf(op.body.player_id), envelope, { msgID: `again:${op.body.transaction_id}:${Math.random()}` });
  expect(ack.duplicate).toBe(false);
}

/** Publishes one poison message of `reason`; answers its stream sequence. */
async function publishPoison(js: JetStreamClient, client: GameServerClient, reason: PoisonReason, op: StreamOp, names: ReturnType<typeof streamNames>, salt: number): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const body = { ...op.body, kind: op.kind, transaction_id: `poison-${salt}` } as never;
  const subject = client.subjectOf(op.body.player_id);
  const data: Record<PoisonReason, () => string | Uint8Array> = {
    unparseable: () => new Uint8Array([0xff, 0xfe, 0x00, salt % 256]),
    invalid_envelope: () => JSON.stringify({ provider_id: provider.providerId, body: '{}', salt }),
    unknown_provider: () => sealEnvelope('nobody', 'current-secret', now, body),
    invalid_signature: () => sealEnvelope(provider.providerId, 'not-the-secret', now, body),
    invalid_body: () => sealEnvelope(provider.providerId, 'current-secret', now, { ...(body as object), amount: '-5' } as never),
    wrong_partition: () => sealEnvelope(provider.providerId, 'current-secret', now, body),
    undeliverable: () => '',
  };
  const target = reason === 'wrong_partition' ? names.commandSubject((partitionOf(op.body.player_id, partitionCount) + 1) % partitionCount) : subject;
  const ack = await js.publish(target, data[reason](), { msgID: `poison:${salt}` });
  return ack.seq;
}

async function collect(outcomes: AsyncGenerator<StreamOutcome>, count: number): Promise<StreamOutcome[]> {
  const read: StreamOutcome[] = [];
  for await (const outcome of outcomes) {
    read.push(outcome);
    if (read.length === count) break;
  }
  return read;
}

interface DeadLetter {
  readonly reason: PoisonReason;
  readonly detail: string;
  readonly stream_sequence: number;
  readonly data?: string;
  readonly data_base64?: string;
}

async function deadLetters(js: JetStreamClient, stream: string, count: number): Promise<DeadLetter[]> {
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume();
  const letters: DeadLetter[] = [];
  for await (const message of messages) {
    letters.push(message.json<DeadLetter>());
    if (letters.length === count) break;
  }
  await messages.close();
  return letters;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
