import { Type } from 'typebox';
import { playerPageMax } from '../../ports/player-directory.js';
import { Balance, Currency, Id } from '../schemas.js';

const closed = { additionalProperties: false } as const;

/** A page holds this many players unless the query asks for another number. */
export const playerPageDefault = 50;

export const PlayerListQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', default: String(playerPageDefault), description: `1–999, capped at ${playerPageMax}` })),
    cursor: Type.Optional(Type.With(Id, { description: 'next_cursor of the previous page' })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('blocked')])),
    currency: Type.Optional(Currency),
    created_since: Type.Optional(Type.String({ format: 'date-time', description: 'players created at or after this time' })),
    id_prefix: Type.Optional(Type.With(Id, { description: 'players whose id starts with these characters (taken literally)' })),
  },
  closed,
);

export const PlayerListItem = Type.Object({
  player_id: Id,
  currency: Currency,
  status: Type.Union([Type.Literal('active'), Type.Literal('blocked')]),
  balance: Balance,
  created_at: Type.String({ format: 'date-time' }),
});

export const PlayerListPage = Type.Object({
  items: Type.Array(PlayerListItem),
  next_cursor: Type.Union([Id, Type.Null()], { description: 'null on the last page' }),
});
