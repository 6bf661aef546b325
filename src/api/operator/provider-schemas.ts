import { Type } from 'typebox';
import { Amount, Id, MinorUnits } from '../schemas.js';

const closed = { additionalProperties: false } as const;

/** The longest a rotated-out secret may keep verifying: long enough for a provider's slowest deploy. */
export const previousSecretValidSecondsMax = 7 * 86_400;
/** How long a rotated-out secret keeps verifying unless the rotation says otherwise. */
export const previousSecretValidSecondsDefault = 86_400;

const Secret = Type.String({ minLength: 16, maxLength: 256, description: 'the HMAC key; never returned, never logged' });

const rollbackUnknown = (options: { default?: 'ok' } = {}) =>
  Type.Union([Type.Literal('ok'), Type.Literal('error')], {
    ...options,
    description: 'the answer to a rollback of a bet Croupier never saw: ok (the bet id is tombstoned, success) or error (tombstoned, BET_NOT_FOUND)',
  });

const payoutCap = (what: string, options: { default?: null } = {}) =>
  Type.Union([Amount, Type.Null()], {
    ...options,
    description: `${what}, in minor units of the round's currency; null: no cap of the provider's own (the currency's limits still apply)`,
  });

export const ProviderRegistration = Type.Object(
  {
    provider_id: Id,
    secret: Secret,
    rollback_unknown: Type.Optional(rollbackUnknown({ default: 'ok' })),
    max_win: Type.Optional(payoutCap('the most one win may pay', { default: null })),
    max_round_payout: Type.Optional(payoutCap('the most all the wins of one round may pay together', { default: null })),
  },
  { ...closed, description: 'Create-only: the same body again answers 200 with the provider; another body for an existing id answers 409 PROVIDER_EXISTS.' },
);

export const ProviderChange = Type.Object(
  {
    rollback_unknown: Type.Optional(rollbackUnknown()),
    max_win: Type.Optional(payoutCap('the most one win may pay')),
    max_round_payout: Type.Optional(payoutCap('the most all the wins of one round may pay together')),
  },
  { ...closed, minProperties: 1, description: 'The settings to change; a field left out keeps its value. The secret changes through a rotation only.' },
);

export const SecretRotationBody = Type.Object(
  {
    secret: Secret,
    previous_secret_valid_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: previousSecretValidSecondsMax,
        default: previousSecretValidSecondsDefault,
        description: 'how long the secret being replaced keeps verifying (0 revokes it at once); at most 7 days',
      }),
    ),
  },
  closed,
);

export const ProviderParams = Type.Object({ provider_id: Id }, closed);

export const ProviderView = Type.Object({
  provider_id: Id,
  rollback_unknown: rollbackUnknown(),
  max_win: Type.Union([MinorUnits, Type.Null()]),
  max_round_payout: Type.Union([MinorUnits, Type.Null()]),
  previous_secret_expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'until when the secret before the last rotation still verifies; null when only the current secret does',
  }),
  configured_by: Type.Union([Type.Literal('environment'), Type.Literal('operator')]),
});

export const SecretRotationReply = Type.Object({
  ...ProviderView.properties,
  new_secret_everywhere_at: Type.String({
    format: 'date-time',
    description: 'every node verifies the new secret from this time (each re-reads providers every few seconds): sign with it from then on',
  }),
});
