import type { Croupier } from '../../src/croupier.js';
import { benchCurrency, playerIdOf } from './workload.js';

/** Players registered (or funded) at once while seeding: bounds the promises in flight. */
const seedChunk = 5_000;

/** Registers and funds players 0..players-1 before timing; any refusal stops the bench. */
export async function seedEngine(croupier: Croupier, players: number, depositPerPlayer: bigint): Promise<void> {
  for (const kind of ['register', 'deposit'] as const) {
    for (let start = 0; start < players; start += seedChunk) {
      const end = Math.min(players, start + seedChunk);
      const outcomes = await Promise.all(
        Array.from({ length: end - start }, (_, offset) => {
          const playerId = playerIdOf(start + offset);
          return croupier.execute(
            kind === 'register'
              ? { kind, playerId, currency: benchCurrency }
              : { kind, source: 'operator', transactionId: `seed-${playerId}`, playerId, amount: depositPerPlayer, currency: benchCurrency },
          );
        }),
      );
      const refused = outcomes.find((outcome) => !outcome.ok);
      if (refused !== undefined && !refused.ok) throw new Error(`seeding (${kind}) was refused: ${refused.code} ${refused.message}`);
    }
  }
}
