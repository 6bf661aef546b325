import { Type, type Static } from 'typebox';
import { idLengthMax } from '../core/ids.js';
import type { TransactionKind } from '../core/player.js';

/**
 * The request and response schemas: Fastify validates requests with them and serialises
 * responses with them, and the OpenAPI document at /openapi.json is generated from them.
 */
export const Id = Type.String({ minLength: 1, maxLength: idLengthMax, pattern: '^[A-Za-z0-9._:@-]+$', description: '1–128 characters: letters, digits and . _ : @ -' });

export const Amount = Type.Union(
  [
    Type.String({ pattern: '^(0|[1-9][0-9]{0,35})$', description: 'integer minor units as a string, e.g. "1050" = 10.50 EUR' }),
    Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  ],
  { description: 'integer minor units; a string of digits, or a JSON integer up to 2^53 - 1' },
);

export const Currency = Type.String({ pattern: '^[A-Z]{3,5}$', description: 'ISO 4217 or crypto code, e.g. EUR, JPY, BTC, ETH' });

export const MinorUnits = Type.String({ pattern: '^-?[0-9]+$', description: 'integer minor units' });

export const Balance = Type.Object({ cash: MinorUnits, bonus: MinorUnits, total: MinorUnits });

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

const closed = { additionalProperties: false } as const;

export const ProviderBalanceBody = Type.Object({ player_id: Id }, { ...closed, examples: [{ player_id: 'p-1001' }] });
export const ProviderMoveBody = Type.Object(
  { transaction_id: Id, player_id: Id, round_id: Id, game_id: Id, amount: Amount, currency: Currency },
  { ...closed, examples: [{ transaction_id: 'tx-7781', player_id: 'p-1001', round_id: 'round-55', game_id: 'starburst', amount: '250', currency: 'EUR' }] },
);
export const ProviderRollbackBody = Type.Object(
  { transaction_id: Id, player_id: Id, round_id: Id, reference_transaction_id: Id },
  { ...closed, examples: [{ transaction_id: 'rb-7782', player_id: 'p-1001', round_id: 'round-55', reference_transaction_id: 'tx-7781' }] },
);

export const ProviderReply = Type.Object(
  {
    transaction_id: Id,
    balance: Balance,
    currency: Currency,
    duplicate: Type.Boolean({ description: 'true when this answers a replay of a transaction id already applied: nothing moved again' }),
  },
  { examples: [{ transaction_id: 'tx-7781', balance: { cash: '9750', bonus: '0', total: '9750' }, currency: 'EUR', duplicate: false }] },
);

/** The balance call moves nothing and carries no transaction id: no `duplicate`, no `transaction_id`. */
export const ProviderBalanceReply = Type.Object(
  { balance: Balance, currency: Currency },
  { examples: [{ balance: { cash: '10000', bonus: '0', total: '10000' }, currency: 'EUR' }] },
);

/** Required on every provider call; a missing or wrong one is refused 401 INVALID_SIGNATURE before the body is validated. */
export const ProviderHeaders = Type.Object({
  'x-provider-id': Type.String({ description: 'the provider id', examples: ['acme-games'] }),
  'x-timestamp': Type.String({ pattern: '^[0-9]{1,12}$', description: 'unix seconds when the call was signed; within 300 s of the server clock', examples: ['1767225600'] }),
  'x-signature': Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'hex HMAC-SHA256(secret, X-Timestamp + "." + raw body)' }),
});

export const PlayerParams = Type.Object({ player_id: Id }, closed);
export const RegisterPlayerBody = Type.Object({ player_id: Id, currency: Currency }, closed);
export const TransferBody = Type.Object({ transaction_id: Id, amount: Amount }, closed);
export const DepositBody = Type.Object({ transaction_id: Id, amount: Amount, bonus_code: Type.Optional(Id) }, closed);

export const Player = Type.Object({
  player_id: Id,
  currency: Currency,
  status: Type.Union([Type.Literal('active'), Type.Literal('blocked')]),
  balance: Balance,
  active_bonus: Type.Union([
    Type.Object({ grant_id: Id, campaign_id: Id, progress: MinorUnits, required: MinorUnits, percent: Type.Number(), expires_at: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
});

export const TransferReply = Type.Object({
  transaction_id: Id,
  player_id: Id,
  balance: Balance,
  currency: Currency,
  duplicate: Type.Boolean(),
});

export const HistoryQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1–200, default 50' })),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: 'next_cursor of the previous page: a ledger id, at most 2^63 - 1' })),
  },
  closed,
);

/**
 * Every kind of transaction the store writes, with what it means; tombstones (which mark a bet id
 * rolled back before the bet came) are never shown. Keyed by the kind, so the compiler refuses
 * a kind this misses.
 */
const historyTypes: { readonly [kind in Exclude<TransactionKind, 'tombstone'>]: string } = {
  deposit: 'money in, by the operator',
  withdrawal: 'money out, by the operator',
  bet: "a provider's stake",
  win: "a provider's win (0 settles a lost round)",
  rollback: 'a stake returned; its amount is what came back',
  bonus_credit: 'bonus money granted',
  bonus_conversion: 'bonus money turned into cash once its wagering is done',
  bonus_forfeit: 'bonus money taken back (cancelled, expired, or forfeited by a withdrawal)',
};

export const historyEntryTypes = Object.keys(historyTypes) as (keyof typeof historyTypes)[];

export const HistoryEntry = Type.Object({
  ledger_id: Type.String(),
  transaction_id: Id,
  type: Type.Enum(historyEntryTypes, {
    description: `what the transaction was: ${Object.entries(historyTypes).map(([kind, meaning]) => `${kind}, ${meaning}`).join('; ')}. The bonus_* entries are made by the bonus engine.`,
  }),
  amount: Type.String({ pattern: '^-?[0-9]+$', description: 'integer minor units: what was sent, and for a rollback what it returned (its cash + bonus movements)' }),
  currency: Currency,
  cash: Type.String({ description: 'signed movement of the cash balance' }),
  bonus: Type.String({ description: 'signed movement of the bonus balance' }),
  round_id: Type.Union([Id, Type.Null()]),
  game_id: Type.Union([Id, Type.Null()]),
  provider: Type.Union([Id, Type.Null()], { description: 'the provider that sent it; null for operator transactions' }),
  reference_transaction_id: Type.Union([Id, Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
});

export const HistoryPage = Type.Object({ items: Type.Array(HistoryEntry), next_cursor: Type.Union([Type.String(), Type.Null()]) });

export type ProviderMove = Static<typeof ProviderMoveBody>;
export type ProviderRollback = Static<typeof ProviderRollbackBody>;

export const Percent = Type.Integer({ minimum: 0, maximum: 100 });

export const GrantBody = Type.Object({ grant_id: Id, campaign_id: Id, amount: Type.Optional(Amount) }, closed);
export const OptInBody = Type.Object({ campaign_id: Id }, closed);
export const GrantParams = Type.Object({ player_id: Id, grant_id: Id }, closed);

export const BonusView = Type.Object({
  grant_id: Id,
  campaign_id: Id,
  state: Type.String({ description: 'queued, active, completed, forfeited, expired, depleted, cancelled' }),
  amount: MinorUnits,
  deposit_amount: MinorUnits,
  wagering: Type.Object({ progress: MinorUnits, required: MinorUnits, percent: Type.Number() }),
  converted_amount: MinorUnits,
  forfeited_amount: MinorUnits,
  granted_at: Type.String(),
  activated_at: Type.Union([Type.String(), Type.Null()]),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  ended_at: Type.Union([Type.String(), Type.Null()]),
});


export const GameBody = Type.Object(
  { game_id: Id, category: Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }), provider_id: Type.Optional(Type.Union([Id, Type.Null()])), name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])) },
  closed,
);

/** `PUT /v1/games/{game_id}`: the id is the path's, so the body does not repeat it. */
export const GameUpdateBody = Type.Object(
  {
    category: Type.String({ pattern: '^[a-z0-9_-]{1,32}$', description: "the game's category; a campaign's contributions are percents per category" }),
    provider_id: Type.Optional(Type.Union([Id, Type.Null()], { description: 'default null' })),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()], { description: 'default null' })),
  },
  { ...closed, examples: [{ category: 'slots', provider_id: 'acme-games', name: 'Starburst' }] },
);

export const CampaignStats = Type.Object({
  campaign_id: Id,
  grants: Type.Object({ granted: Type.Integer(), queued: Type.Integer(), active: Type.Integer(), completed: Type.Integer(), forfeited: Type.Integer(), expired: Type.Integer(), depleted: Type.Integer(), cancelled: Type.Integer() }),
  conversion_rate: Type.Union([Type.Number(), Type.Null()], { description: 'completed ÷ ended grants' }),
  amounts: Type.Object({
    granted: MinorUnits,
    converted: MinorUnits,
    forfeited: MinorUnits,
    wagered_by_ended: Type.String({ pattern: '^-?[0-9]+$', description: 'wagering done by the grants that have ended; an active grant’s live progress is on its player’s bonus list' }),
  }),
});
