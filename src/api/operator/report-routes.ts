import { instantOf } from '../instant.js';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ggrGroupings, reportRangeDaysMax, reportRowsMax, type GgrReader, type GgrSums } from '../../ports/ggr-report.js';
import { sendError } from '../replies.js';
import { Currency } from '../schemas.js';
import { errors, security } from './route-settings.js';

const dayMs = 86_400_000;

const instant = (what: string) =>
  Type.Union([Type.String({ format: 'date' }), Type.String({ format: 'date-time' })], {
    description: `${what}: a date (midnight UTC) or a date-time with its offset`,
  });

const SignedMinorUnits = Type.String({ pattern: '^-?[0-9]+$' });

export const GgrQuery = Type.Object(
  {
    from: instant('the start of the range, included'),
    to: instant(`the end of the range, excluded; at most ${reportRangeDaysMax} days after from`),
    group_by: Type.Optional(Type.Union(ggrGroupings.map((grouping) => Type.Literal(grouping)), { default: 'currency' })),
  },
  { additionalProperties: false },
);

export const GgrItem = Type.Object({
  group: Type.Union([Type.String(), Type.Null()], { description: 'the provider, game or UTC day; null for a currency report, and for bonus money (it has no provider or game)' }),
  currency: Currency,
  bets: Type.With(SignedMinorUnits, { description: 'stakes taken (cash and bonus)' }),
  wins: Type.With(SignedMinorUnits, { description: 'what wins paid to cash and bonus' }),
  rollbacks: Type.With(SignedMinorUnits, { description: 'stakes returned by rollbacks' }),
  ggr: Type.With(SignedMinorUnits, { description: 'bets − wins − rollbacks' }),
  bonus_credited: Type.With(SignedMinorUnits, { description: 'bonus money credited as grants activated' }),
  bonus_converted: Type.With(SignedMinorUnits, { description: 'cash that completed bonuses turned into' }),
  bonus_forfeited: Type.With(SignedMinorUnits, { description: 'bonus money back to the house: forfeits, expiries, cancellations, and what a conversion cap kept' }),
  bonus_cost: Type.With(SignedMinorUnits, { description: 'bonus_credited − bonus_forfeited: the bonus money the house gave out, net' }),
  ngr: Type.With(SignedMinorUnits, { description: 'ggr − bonus_cost' }),
});

export const GgrReport = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  group_by: Type.String(),
  items: Type.Array(GgrItem),
});

/** Reports from the ledger: exact sums of committed transactions (strings of minor units). */
export function reportRoutes(app: FastifyInstance, reports: GgrReader): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/v1/reports/ggr',
    {
      schema: {
        summary: 'GGR report',
        operationId: 'ggrReport',
        tags: ['reports'],
        description: `Gross gaming revenue and bonus cost of the transactions created in [from, to), per currency and group, from the ledger. The range is at most ${reportRangeDaysMax} days.`,
        security,
        querystring: GgrQuery,
        response: { 200: GgrReport, ...errors },
      },
    },
    async (request, reply) => {
      const from = instantOf(request.query.from);
      const to = instantOf(request.query.to);
      if (from === null || to === null) return sendError(reply, 'VALIDATION_ERROR', 'from and to must be real instants of the years 0001 to 9999');
      if (!(from.getTime() < to.getTime())) return sendError(reply, 'VALIDATION_ERROR', 'to must be after from');
      if (to.getTime() - from.getTime() > reportRangeDaysMax * dayMs) return sendError(reply, 'VALIDATION_ERROR', `the range is longer than ${reportRangeDaysMax} days: split it`);
      const groupBy = request.query.group_by ?? 'currency';
      const sums = await reports.ggr(from, to, groupBy, reportRowsMax);
      if (sums.length > reportRowsMax) return sendError(reply, 'VALIDATION_ERROR', `the report has more than ${reportRowsMax} rows: narrow the range`);
      return { from: from.toISOString(), to: to.toISOString(), group_by: groupBy, items: sums.map(ggrItem) };
    },
  );
}

function ggrItem(sums: GgrSums) {
  const ggr = sums.bets - sums.wins - sums.rollbacks;
  const bonusCost = sums.bonusCredited - sums.bonusForfeited;
  return {
    group: sums.group,
    currency: sums.currency,
    bets: sums.bets.toString(),
    wins: sums.wins.toString(),
    rollbacks: sums.rollbacks.toString(),
    ggr: ggr.toString(),
    bonus_credited: sums.bonusCredited.toString(),
    bonus_converted: sums.bonusConverted.toString(),
    bonus_forfeited: sums.bonusForfeited.toString(),
    bonus_cost: bonusCost.toString(),
    ngr: (ggr - bonusCost).toString(),
  };
}
