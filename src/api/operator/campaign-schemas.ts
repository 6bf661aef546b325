import { Type } from 'typebox';
import { campaignDefaults } from '../../core/bonus/campaign-rules.js';
import { Amount, Currency, Id, MinorUnits, Percent } from '../schemas.js';

const closed = { additionalProperties: false } as const;

/** The most categories one campaign may name. */
export const contributionCategoriesMax = 64;

/** The time a campaign left without active_from starts: always active, as far as the window goes. */
export const activeFromDefault = new Date(campaignDefaults.activeFrom).toISOString();

/**
 * A campaign's terms, each optional one with the default it takes when left out (`withDefaults`:
 * the body that creates a campaign), or without (a change, where a term left out keeps its value).
 */
function terms(withDefaults: boolean) {
  const orDefault = <T>(value: T) => (withDefaults ? { default: value } : {});
  return {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Union([Type.Literal('deposit_match'), Type.Literal('fixed'), Type.Literal('free_spins_winnings')]),
    currency: Currency,
    code: Type.Optional(Type.Union([Id, Type.Null()], { ...orDefault(null), description: 'claims the campaign with a deposit (deposit_match); null: no code' })),
    match_percent: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'deposit_match (required): percent of the deposit' })),
    match_cap: Type.Optional(Type.With(Amount, { description: 'deposit_match (required): the most one deposit match grants' })),
    min_deposit: Type.Optional(Type.With(Amount, { ...orDefault('0'), description: 'deposit_match: the smallest deposit that qualifies' })),
    fixed_amount: Type.Optional(Type.With(Amount, { description: 'fixed (required, positive): the amount every grant gives' })),
    wagering_multiplier: Type.Integer({ minimum: 0, maximum: 1000 }),
    wagering_base: Type.Optional(Type.Union([Type.Literal('bonus'), Type.Literal('bonus_plus_deposit')], { ...orDefault(campaignDefaults.wageringBase) })),
    contributions: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }), Percent, {
        ...orDefault(campaignDefaults.contributions),
        maxProperties: contributionCategoriesMax,
        description:
          'percent of a stake that counts towards wagering, per game category; merged over the defaults (a category left out keeps its default, name it to change it, 0 included)',
      }),
    ),
    default_contribution: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, ...orDefault(campaignDefaults.defaultContribution), description: 'the percent of a game whose category is not named, or that is not in the catalogue' })),
    max_bet: Type.Optional(Type.Union([Amount, Type.Null()], { ...orDefault(null), description: 'the largest stake while the bonus is wagered; null: no maximum' })),
    max_conversion: Type.Optional(
      Type.Union([Type.Object({ absolute: Amount }, closed), Type.Object({ multiple: Type.Integer({ minimum: 1, maximum: 1000 }) }, closed), Type.Null()], {
        ...orDefault(null),
        description: 'the most a completed bonus turns into cash (the rest is forfeited): an amount, or a multiple of the bonus; null: all of it',
      }),
    ),
    validity_seconds: Type.Integer({ minimum: 60, maximum: 366 * 86_400, description: 'how long a bonus may be wagered, from its activation' }),
    forfeit_on_withdrawal: Type.Optional(Type.Boolean({ ...orDefault(campaignDefaults.forfeitOnWithdrawal), description: 'whether a withdrawal ends the active bonus of this campaign' })),
    max_grants_per_player: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], { ...orDefault(null), description: 'null: no limit' })),
    funds_order: Type.Optional(Type.Union([Type.Literal('bonus_first'), Type.Literal('cash_first')], { ...orDefault(campaignDefaults.fundsOrder), description: 'which balance a bet takes first while this bonus is active' })),
    active_from: Type.Optional(Type.String({ format: 'date-time', ...orDefault(activeFromDefault), description: 'the default is the epoch: grantable at once' })),
    active_until: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { ...orDefault(null), description: 'null: no end' })),
  };
}

/** The terms a campaign type cannot do without, for the OpenAPI and the validator alike. */
const requiredByType = {
  allOf: [
    { if: { properties: { type: { const: 'deposit_match' } } }, then: { required: ['match_percent', 'match_cap'] } },
    { if: { properties: { type: { const: 'fixed' } } }, then: { required: ['fixed_amount'] } },
  ],
};

export const CampaignBody = Type.Object(
  { campaign_id: Id, ...terms(true) },
  {
    ...closed,
    ...requiredByType,
    description: 'Create-only: the same terms again answer 200 with the campaign; other terms for an existing id answer 409 CAMPAIGN_EXISTS (change it with PATCH).',
  },
);

const changeable = terms(false);

export const CampaignChange = Type.Object(
  {
    ...changeable,
    name: Type.Optional(changeable.name),
    type: Type.Optional(changeable.type),
    currency: Type.Optional(changeable.currency),
    wagering_multiplier: Type.Optional(changeable.wagering_multiplier),
    validity_seconds: Type.Optional(changeable.validity_seconds),
  },
  {
    ...closed,
    minProperties: 1,
    description:
      'The terms to change; a term left out keeps its value, null clears a nullable one, and contributions merge over the current ones. Bonuses already granted keep the terms they were granted with.',
  },
);

export const CampaignParams = Type.Object({ campaign_id: Id }, closed);

export const CampaignView = Type.Object({
  campaign_id: Id,
  name: Type.String(),
  type: Type.String(),
  currency: Currency,
  code: Type.Union([Id, Type.Null()]),
  match_percent: Type.Integer(),
  match_cap: MinorUnits,
  min_deposit: MinorUnits,
  fixed_amount: MinorUnits,
  wagering_multiplier: Type.Integer(),
  wagering_base: Type.String(),
  contributions: Type.Record(Type.String(), Type.Integer()),
  default_contribution: Type.Integer(),
  max_bet: Type.Union([MinorUnits, Type.Null()]),
  max_conversion: Type.Union([Type.Object({ absolute: MinorUnits }), Type.Object({ multiple: Type.Integer() }), Type.Null()]),
  validity_seconds: Type.Integer(),
  forfeit_on_withdrawal: Type.Boolean(),
  max_grants_per_player: Type.Union([Type.Integer(), Type.Null()]),
  funds_order: Type.String(),
  active_from: Type.String(),
  active_until: Type.Union([Type.String(), Type.Null()]),
});
