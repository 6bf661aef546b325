import type { CommandInput } from '../../src/core/commands.js';
import type { Croupier } from '../../src/croupier.js';
import type { Answer, Target } from './runner.js';
import { benchCurrency, benchGame, benchSource, type Op } from './workload.js';

/** The engine as a closed-loop target: each workload operation becomes one provider command. */
export function engineTarget(croupier: Croupier): Target {
  return {
    async execute(op: Op): Promise<Answer> {
      const outcome = await croupier.execute(commandOf(op));
      return outcome.ok ? { ok: true } : { ok: false, code: outcome.code };
    },
  };
}

function commandOf(op: Op): CommandInput {
  switch (op.kind) {
    case 'bet':
    case 'win':
      return {
        kind: op.kind,
        source: benchSource,
        transactionId: op.transactionId,
        playerId: op.playerId,
        roundId: op.roundId,
        gameId: benchGame,
        amount: op.amount,
        currency: benchCurrency,
      };
    case 'rollback':
      return {
        kind: 'rollback',
        source: benchSource,
        transactionId: op.transactionId,
        playerId: op.playerId,
        roundId: op.roundId,
        referenceTransactionId: op.bet.transactionId,
      };
  }
}
