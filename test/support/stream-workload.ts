/**
 * A seeded workload of stream commands for the bet-stream tests: per player, rounds of a bet
 * followed by its win or its rollback, arranged in waves that hold at most one command per
 * player, so that publishing a wave at once never reorders one player's commands. A model of
 * the balances follows from the workload alone: every command is accepted (players are funded
 * far beyond their stakes).
 */
import type { ProviderMove, ProviderRollback } from '../../src/api/schemas.js';

export const streamCurrency = 'EUR';
export const streamInitialCash = 10_000_000n;

export type StreamOp =
  | { readonly kind: 'bet' | 'win'; readonly body: ProviderMove }
  | { readonly kind: 'rollback'; readonly body: ProviderRollback };

export function streamPlayers(count: number, label: string): string[] {
  return Array.from({ length: count }, (_, index) => `${label}-p${index}`);
}

/** A small deterministic generator (mulberry32): the same seed gives the same workload. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `count` commands in waves: wave w holds command w of each player's sequence. */
export function streamWaves(players: readonly string[], count: number, random: () => number): StreamOp[][] {
  const perPlayer = Math.ceil(count / players.length);
  const sequences = players.map((playerId) => playerSequence(playerId, perPlayer, random));
  const waves: StreamOp[][] = [];
  let left = count;
  for (let wave = 0; wave < perPlayer && left > 0; wave += 1) {
    const ops: StreamOp[] = [];
    for (const sequence of sequences) {
      const op = sequence[wave];
      if (op === undefined || left === 0) continue;
      ops.push(op);
      left -= 1;
    }
    waves.push(ops);
  }
  return waves;
}

function playerSequence(playerId: string, length: number, random: () => number): StreamOp[] {
  const ops: StreamOp[] = [];
  for (let round = 0; ops.length < length; round += 1) {
    const roundId = `${playerId}-r${round}`;
    const bet = { transaction_id: `${roundId}-bet`, player_id: playerId, round_id: roundId, game_id: 'slots', amount: String(1 + Math.floor(random() * 500)), currency: streamCurrency };
    ops.push({ kind: 'bet', body: bet });
    if (random() < 0.8) {
      ops.push({ kind: 'win', body: { ...bet, transaction_id: `${roundId}-win`, amount: String(Math.floor(random() * 1_000)) } });
    } else {
      ops.push({ kind: 'rollback', body: { transaction_id: `${roundId}-rb`, player_id: playerId, round_id: roundId, reference_transaction_id: bet.transaction_id } });
    }
  }
  return ops.slice(0, length);
}

/** Cash after applying `ops` once each: bets debit, wins credit, a rollback returns its bet. */
export function modelBalances(players: readonly string[], ops: readonly StreamOp[]): Map<string, bigint> {
  const cash = new Map(players.map((playerId) => [playerId, streamInitialCash]));
  const bets = new Map<string, bigint>();
  for (const op of ops) {
    cash.set(op.body.player_id, (cash.get(op.body.player_id) ?? 0n) + deltaOf(op, bets));
  }
  return cash;
}

function deltaOf(op: StreamOp, bets: Map<string, bigint>): bigint {
  if (op.kind === 'rollback') return bets.get(op.body.reference_transaction_id) ?? 0n;
  const amount = BigInt(op.body.amount);
  if (op.kind === 'win') return amount;
  bets.set(op.body.transaction_id, amount);
  return -amount;
}
