import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Accepted } from '../../core/outcome.js';
import type { Croupier } from '../../croupier.js';
import { balanceOf, sendOutcome } from '../replies.js';
import { DepositBody, Player, PlayerParams, TransferBody, TransferReply } from '../schemas.js';
import { auditStamp } from './operator-audit.js';
import { playerView } from './player-view.js';
import { errors, operatorSource, security } from './route-settings.js';

/** What the operator does to a player's account: money in and out, blocking and unblocking; each change is in the audit log. */
export function accountRoutes(app: FastifyInstance, croupier: Pick<Croupier, 'execute'>): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/players/:player_id/deposits', { schema: { summary: 'Deposit', operationId: 'deposit', tags: ['players'], security, params: PlayerParams, body: DepositBody, response: { 200: TransferReply, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({
      kind: 'deposit',
      source: operatorSource,
      transactionId: request.body.transaction_id,
      playerId: request.params.player_id,
      amount: request.body.amount,
      bonusCode: request.body.bonus_code ?? null,
      audit: auditStamp(request, 'player.deposit'),
    });
    return sendOutcome(reply, outcome, transferView(request.body.transaction_id));
  });

  api.post('/v1/players/:player_id/withdrawals', { schema: { summary: 'Withdraw', operationId: 'withdraw', tags: ['players'], security, params: PlayerParams, body: TransferBody, response: { 200: TransferReply, ...errors } } }, async (request, reply) => {
    const outcome = await croupier.execute({
      kind: 'withdrawal',
      source: operatorSource,
      transactionId: request.body.transaction_id,
      playerId: request.params.player_id,
      amount: request.body.amount,
      audit: auditStamp(request, 'player.withdrawal'),
    });
    return sendOutcome(reply, outcome, transferView(request.body.transaction_id));
  });

  for (const kind of ['block', 'unblock'] as const) {
    api.post(`/v1/players/:player_id/${kind}`, { schema: { summary: kind === 'block' ? 'Block a player' : 'Unblock a player', operationId: `${kind}Player`, tags: ['players'], security, params: PlayerParams, response: { 200: Player, ...errors } } }, async (request, reply) => {
      return sendOutcome(reply, await croupier.execute({ kind, playerId: request.params.player_id, audit: auditStamp(request, `player.${kind}`) }), playerView);
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
