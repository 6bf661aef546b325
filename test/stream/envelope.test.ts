/**
 * The bet stream's envelope (src/stream/envelope.ts), without NATS: what a game server seals is
 * read back as the engine command the HTTP route would make, and each kind of poison is named
 * by its reason. Method: envelopes sealed by `sealEnvelope` or written by hand, read with a
 * fixed storage time and a provider with a rotation in progress.
 */
import { describe, expect, it } from 'vitest';
import type { Provider } from '../../src/api/provider/provider-registry.js';
import { sign } from '../../src/api/provider/signature.js';
import { partitionOf } from '../../src/core/partitioning.js';
import { readCommand, sealEnvelope, type StreamCommandBody } from '../../src/stream/envelope.js';

const provider: Provider = {
  providerId: 'acme',
  secrets: ['new-secret', 'old-secret'],
  rollbackUnknown: 'error',
  winMax: 1_000n,
  roundPayoutMax: 5_000n,
  previousSecretExpiresAt: null,
  configuredBy: 'operator',
};
const now = 1_765_000_000;
const partitionCount = 4;
const bet: StreamCommandBody = { kind: 'bet', transaction_id: 'tx-1', player_id: 'p-1', round_id: 'r-1', game_id: 'slots', amount: '250', currency: 'EUR' };
const partition = partitionOf('p-1', partitionCount);

function read(data: string | Uint8Array, at = partition) {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return readCommand(bytes, { partition: at, partitionCount, storedAtSeconds: now, findProvider: (id) => (id === 'acme' ? provider : undefined) });
}

describe('bet stream envelope', () => {
  it('reads a sealed bet, win and rollback as the commands the HTTP routes make', () => {
    expect(read(sealEnvelope('acme', 'new-secret', now, bet))).toEqual({
      ok: true,
      providerId: 'acme',
      kind: 'bet',
      transactionId: 'tx-1',
      playerId: 'p-1',
      command: { kind: 'bet', source: 'acme', transactionId: 'tx-1', playerId: 'p-1', roundId: 'r-1', gameId: 'slots', amount: '250', currency: 'EUR' },
    });
    const win = read(sealEnvelope('acme', 'old-secret', now, { ...bet, kind: 'win', transaction_id: 'tx-2' }));
    expect(win).toMatchObject({ ok: true, command: { kind: 'win', winMax: 1_000n, roundPayoutMax: 5_000n } });
    const rollback = read(sealEnvelope('acme', 'new-secret', now, { kind: 'rollback', transaction_id: 'tx-3', player_id: 'p-1', round_id: 'r-1', reference_transaction_id: 'tx-1' }));
    expect(rollback).toMatchObject({ ok: true, command: { kind: 'rollback', referenceTransactionId: 'tx-1', unknownBet: 'error' } });
  });

  it('names each kind of poison', () => {
    const sealed = JSON.parse(sealEnvelope('acme', 'new-secret', now, bet)) as Record<string, string>;
    const resigned = (body: string) => JSON.stringify({ ...sealed, body, signature: sign('new-secret', sealed.timestamp as string, body) });
    const cases: [string | Uint8Array, string, string?][] = [
      [new Uint8Array([0xff, 0xfe]), 'unparseable'],
      ['{"provider_id":', 'unparseable'],
      ['[1,2]', 'invalid_envelope'],
      [JSON.stringify({ ...sealed, extra: 'x' }), 'invalid_envelope'],
      [JSON.stringify({ ...sealed, timestamp: 1 }), 'invalid_envelope'],
      [sealEnvelope('nobody', 'new-secret', now, bet), 'unknown_provider'],
      [sealEnvelope('acme', 'wrong-secret', now, bet), 'invalid_signature', 'wrong_signature'],
      [sealEnvelope('acme', 'new-secret', now - 301, bet), 'invalid_signature', 'stale_timestamp'],
      [sealEnvelope('acme', 'new-secret', now + 301, bet), 'invalid_signature', 'future_timestamp'],
      // A signed bet's body cannot be turned into a win: the kind is inside the signed text.
      [JSON.stringify({ ...sealed, body: (sealed.body as string).replace('"bet"', '"win"') }), 'invalid_signature', 'wrong_signature'],
      [resigned('{"kind":"bet","kind":"win"}'), 'invalid_body'],
      [resigned(JSON.stringify({ ...bet, kind: 'deposit' })), 'invalid_body'],
      [resigned(JSON.stringify({ ...bet, amount: '-5' })), 'invalid_body'],
      [resigned(JSON.stringify({ ...bet, surprise: true })), 'invalid_body'],
      [resigned(JSON.stringify({ ...bet, amount: 1.5 })), 'invalid_body'],
    ];
    for (const [data, reason, detail] of cases) {
      const answer = read(data);
      expect(answer, `${String(data).slice(0, 80)} is ${reason}`).toMatchObject({ ok: false, reason });
      if (detail !== undefined) expect(answer).toMatchObject({ detail });
    }
    expect(read(sealEnvelope('acme', 'new-secret', now, bet), (partition + 1) % partitionCount)).toMatchObject({ ok: false, reason: 'wrong_partition' });
  });
});
