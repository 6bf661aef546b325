import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Accepted } from '../../core/outcome.js';
import type { Croupier } from '../../croupier.js';
import { balanceOf, sendOutcome } from '../replies.js';
import { DepositBody, Player, PlayerParams, TransferBody, TransferReply } from '../schemas.js';
import { playerView } from './player-view.js';
import { errors, operatorSource, security } from './route-settings.js';

/** What the operator does to a player's account: money in and out, blocking and unblocking. */
export function accountRoutes(app: FastifyInstance, croupier: Pick<Croupier, 'execute'>): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/players/:player_id/deposits', { schema: { tags: ['players'], security, params: PlayerParams, body: DepositBody, response: { 200: TransferReply, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({
      kind: 'deposit',
      source: operatorSource,
      transactionId: request.body.transaction_id,
      playerId: request.params.player_id,
      amount: request.body.amount,
      bonusCode: request.body.bonus_code ?? null,
    });
    return sendOutcome(reply, outcome, transferView(request.body.transaction_id));
  });

  api.post('/v1/players/:player_id/withdrawals', { schema: { tags: ['players'], security, params: PlayerParams, body: TransferBody, response: { 200: TransferReply, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({
      kind: 'withdrawal',
      source: operatorSource,
      transactionId: request.body.transaction_id,
      playerId: request.params.player_id,
      amount: request.body.amount,
    });
    return sendOutcome(reply, outcome, transferView(request.body.transaction_id));
  });

  for (const kind of ['block', 'unblock'] as const) {
    api.post(`/v1/players/:player_id/${kind}`, { schema: { tags: ['players'], security, params: PlayerParams, response: { 200: Player, ...errors } } }, async (request, reply) => {
      return sendOutcome(reply, await croupier.execute({ kind, playerId: request.params.player_id }), playerView);
    });
  }
}

function transferView(transactionId: string) {
  return (accepted: Accepted) => ({
    transaction_id: transactionId,
    player_id: accepted.playerId,
    balance: balanceOf(accepted),
    currency: accepted.currency,
    duplicate: accepted.duplicate,
  });
}
