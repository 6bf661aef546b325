import type { CommandInput } from '../../core/commands.js';
import type { Accepted, Outcome } from '../../core/outcome.js';
import { statusOf } from '../error-registry.js';
import { balanceOf } from '../replies.js';
import type { ProviderMove, ProviderRollback } from '../schemas.js';
import type { Provider } from './provider-registry.js';

/**
 * A provider's bet, win and rollback as engine commands, and the body each answer carries: shared
 * by the HTTP routes and the bet stream (src/stream/), so that both apply one provider's calls
 * alike (its id as the idempotency scope, its rollback policy, its win limits) and answer alike.
 */
export function moveCommand(kind: 'bet' | 'win', body: ProviderMove, provider: Provider): CommandInput {
  return {
    kind,
    source: provider.providerId,
    transactionId: body.transaction_id,
    playerId: body.player_id,
    roundId: body.round_id,
    gameId: body.game_id,
    amount: body.amount,
    currency: body.currency,
    // A win is held to the provider's own maxima (PATCH /v1/providers/{id}), when it has any.
    ...(kind === 'win' ? { winMax: provider.winMax, roundPayoutMax: provider.roundPayoutMax } : {}),
  };
}

export function rollbackCommand(body: ProviderRollback, provider: Provider): CommandInput {
  return {
    kind: 'rollback',
    source: provider.providerId,
    transactionId: body.transaction_id,
    playerId: body.player_id,
    roundId: body.round_id,
    referenceTransactionId: body.reference_transaction_id,
    unknownBet: provider.rollbackUnknown,
  };
}

/** The accepted body of a bet, win or rollback (docs/architecture.md §5). */
export function moveReply(transactionId: string, accepted: Accepted): object {
  return { transaction_id: transactionId, balance: balanceOf(accepted), currency: accepted.currency, duplicate: accepted.duplicate };
}

/** What the HTTP API answers to a bet, win or rollback: its status and its body. */
export function moveAnswer(transactionId: string, outcome: Outcome): { readonly status: number; readonly body: object } {
  if (!outcome.ok) return { status: statusOf(outcome.code), body: { error: { code: outcome.code, message: outcome.message } } };
  return { status: 200, body: moveReply(transactionId, outcome) };
}
