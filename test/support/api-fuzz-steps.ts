import fc from 'fast-check';

/**
 * The steps of an API fuzz session (test/api/api-fuzz.property.test.ts): valid calls of both
 * APIs, which a model must follow, mixed with hostile requests, which must change nothing.
 * A step holds only small values (lengths, indexes, short texts) so that a counterexample prints
 * short; test/support/api-fuzz-requests.ts turns steps into HTTP requests.
 */

/** Players 0 to 2 are registered when a session starts; player 3 never is. */
export const registeredPlayerCount = 3;

/** A call that moves money or reads a balance, as a valid caller sends it. */
export type MoneySpec =
  | { readonly kind: 'deposit' | 'withdrawal'; readonly player: number; readonly amount: bigint; readonly asNumber: boolean }
  | {
      readonly kind: 'bet' | 'win';
      readonly player: number;
      readonly round: number;
      readonly amount: bigint;
      readonly asNumber: boolean;
      readonly game: string;
      readonly currency: string;
      /** A win in the player and round of the latest valid bet before it, rather than its own. */
      readonly followsBet: boolean;
    }
  | { readonly kind: 'rollback'; readonly player: number; readonly round: number; readonly reference: number; readonly betsOwnRound: boolean }
  | { readonly kind: 'balance'; readonly player: number };

/** Headers a valid call may carry besides its own: they must not change what it does. */
export interface Decoration {
  readonly name: string;
  readonly value: string;
  readonly requestId: string | null;
  /** Another spelling of application/json. */
  readonly contentType: string;
}

export type SocketMalformation = 'oversized-header' | 'long-path' | 'no-colon' | 'control-character' | 'unknown-method';

/** What spoils a valid-shaped call; each harm has one documented answer. */
export type Harm =
  | { readonly h: 'duplicate-key'; readonly key: number; readonly value: unknown; readonly escaped: boolean }
  | { readonly h: 'inexact-number'; readonly token: string }
  | { readonly h: 'bad-amount'; readonly text: string }
  | { readonly h: 'bad-id'; readonly field: number; readonly text: string }
  | { readonly h: 'wrong-type'; readonly field: number; readonly value: unknown }
  | { readonly h: 'missing-field'; readonly field: number }
  | { readonly h: 'extra-field'; readonly name: string; readonly value: unknown }
  | { readonly h: 'unsigned'; readonly variant: number; readonly seconds: number; readonly text: string }
  | { readonly h: 'media-type'; readonly contentType: string | null }
  | { readonly h: 'oversized-body'; readonly bytes: number }
  | { readonly h: 'long-id'; readonly field: number; readonly length: number }
  | { readonly h: 'socket'; readonly malformation: SocketMalformation; readonly size: number; readonly character: number };

export type RandomBody = { readonly k: 'json'; readonly value: unknown } | { readonly k: 'bytes'; readonly bytes: Uint8Array } | { readonly k: 'text'; readonly text: string };

export type Step =
  | { readonly t: 'valid'; readonly call: MoneySpec; readonly decoration: Decoration | null }
  | { readonly t: 'replay'; readonly of: number; readonly altered: boolean }
  | { readonly t: 'status'; readonly player: number; readonly block: boolean }
  | { readonly t: 'read'; readonly player: number }
  /** A valid-shaped call spoiled by `harm`, under the transaction id of step `idFrom` (earlier, later or itself). */
  | { readonly t: 'harmed'; readonly call: MoneySpec; readonly harm: Harm; readonly idFrom: number }
  | { readonly t: 'random-body'; readonly route: number; readonly body: RandomBody; readonly credentials: boolean }
  | { readonly t: 'wrong-method'; readonly route: number; readonly method: number; readonly withBody: boolean }
  | { readonly t: 'unknown-route'; readonly pieces: readonly string[]; readonly method: string }
  /** Odd pieces appended to no path, to /docs, or to a known route's path (`base` picks it). */
  | { readonly t: 'odd-path'; readonly base: number; readonly pieces: readonly string[]; readonly method: 'GET' | 'HEAD' | 'POST' }
  | { readonly t: 'query'; readonly route: number; readonly pairs: readonly (readonly [string, string])[] };

/** The id pattern of docs/architecture.md §5: 1–128 characters of A–Z a–z 0–9 . _ : @ -. */
const idPattern = /^[A-Za-z0-9._:@-]{1,128}$/;
/** An amount the API takes as a string (the core then holds it to the money limits). */
const amountPattern = /^(0|[1-9][0-9]{0,35})$/;
/** Every field a provider or operator money body may carry (a deposit's bonus_code included). */
const knownFields = ['transaction_id', 'player_id', 'round_id', 'game_id', 'amount', 'currency', 'reference_transaction_id', 'bonus_code'];

const player = fc.oneof({ weight: 12, arbitrary: fc.nat({ max: registeredPlayerCount - 1 }) }, { weight: 1, arbitrary: fc.constant(registeredPlayerCount) });

/** Mostly small amounts; now and then one above the per-transaction maximum, up to 10^36 - 1. */
function amount(min: number, max: number): fc.Arbitrary<bigint> {
  return fc.oneof({ weight: 15, arbitrary: fc.bigInt({ min: BigInt(min), max: BigInt(max) }) }, { weight: 1, arbitrary: fc.bigInt({ min: 10n ** 8n + 1n, max: 10n ** 36n - 1n }) });
}

const moneySpec: fc.Arbitrary<MoneySpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('deposit' as const), player, amount: amount(1, 1000), asNumber: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdrawal' as const), player, amount: amount(1, 600), asNumber: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom('bet' as const, 'win' as const),
      player,
      // Round 3 never sees a bet: a win there references an unknown round.
      round: fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 1 }) }, { weight: 1, arbitrary: fc.constant(3) }),
      amount: amount(0, 500),
      asNumber: fc.boolean(),
      game: fc.constantFrom('slot', 'blackjack', 'fuzz-game'),
      currency: fc.oneof({ weight: 12, arbitrary: fc.constant('EUR') }, { weight: 1, arbitrary: fc.constant('USD') }),
      followsBet: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('rollback' as const), player, round: fc.nat({ max: 3 }), reference: fc.nat(), betsOwnRound: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('balance' as const), player }) },
);

/** Header text as HTTP carries it: printable ASCII and Latin-1. */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((code) => String.fromCharCode(code)), maxLength });

/** The longest X-Request-Id sent with a valid call: past 128 characters the service makes its own. */
const requestIdLengthMax = 300;

const decoration: fc.Arbitrary<Decoration> = fc.record({
  name: fc.stringMatching(/^[a-z0-9-]{1,16}$/),
  value: headerText(64),
  requestId: fc.option(fc.oneof(headerText(80), fc.integer({ min: 80, max: requestIdLengthMax }).map((length) => 'r'.repeat(length))), { nil: null }),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON'),
});

/** Text no id pattern takes: unicode, control characters, separators, too long. */
const notAnId = fc
  .oneof(
    fc.constantFrom('', ' ', 'a b', 'ü', '😀', '\u0000', 'a\u0007b', '\u202e', '\ufeff', 'x'.repeat(129), '../etc', 'a/b', '%00', 'tx\n', '\ud800'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 6 }),
  )
  .filter((text) => !idPattern.test(text));

/** JSON number texts JSON.parse reads as another value, or that are not integers. */
const inexactNumber = fc.oneof(
  fc.constantFrom('0.99999999999999999', '100.000000000000001', '9007199254740990.5', '1e3', '1E3', '10.0', '9007199254740993', '18446744073709551616', '1e400', '-0.0', '5e-324', '1.5'),
  fc.tuple(fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 99_999 })).map(([whole, fraction]) => `${whole}.${fraction}`),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -400, max: 400 })).map(([mantissa, exponent]) => `${mantissa}e${exponent}`),
  fc.bigInt({ min: 2n ** 53n, max: 10n ** 40n }).map(String),
);

const badAmount = fc
  .oneof(
    fc.constantFrom('', '-5', '+5', '05', '5.0', '1e3', ' 5', '5 ', '0x10', '１２', '5\u0000', 'NaN', 'Infinity', '1'.repeat(37), '٣'),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.bigInt({ min: 10n ** 36n, max: 10n ** 60n }).map(String),
  )
  .filter((text) => !amountPattern.test(text));

/** Values of the wrong JSON type for every field (no string, no non-negative integer). */
const wrongType = fc.constantFrom<unknown>(null, true, false, [], {}, ['5'], { amount: '5' }, -1, -9007199254740991);

const harm: fc.Arbitrary<Harm> = fc.oneof(
  fc.record({ h: fc.constant('duplicate-key' as const), key: fc.nat(), value: fc.jsonValue({ maxDepth: 1 }), escaped: fc.boolean() }),
  fc.record({ h: fc.constant('inexact-number' as const), token: inexactNumber }),
  fc.record({ h: fc.constant('bad-amount' as const), text: badAmount }),
  fc.record({ h: fc.constant('bad-id' as const), field: fc.nat(), text: notAnId }),
  fc.record({ h: fc.constant('wrong-type' as const), field: fc.nat(), value: wrongType }),
  fc.record({ h: fc.constant('missing-field' as const), field: fc.nat() }),
  fc.record({ h: fc.constant('extra-field' as const), name: fc.string({ maxLength: 12 }).filter((name) => !knownFields.includes(name)), value: fc.jsonValue({ maxDepth: 1 }) }),
  fc.record({ h: fc.constant('unsigned' as const), variant: fc.nat(), seconds: fc.integer({ min: 301, max: 100_000_000 }), text: headerText(20) }),
  fc.record({
    h: fc.constant('media-type' as const),
    contentType: fc.option(
      fc.oneof(
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'text/json', 'application/xml', '', 'json'),
        fc.stringMatching(/^[a-z]{1,8}\/[a-z+.-]{1,12}$/).filter((type) => type !== 'application/json'),
      ),
      { nil: null },
    ),
  }),
  fc.record({ h: fc.constant('oversized-body' as const), bytes: fc.integer({ min: 16 * 1024 + 1, max: 40_000 }) }),
  fc.record({ h: fc.constant('long-id' as const), field: fc.nat(), length: fc.oneof(fc.constant(40_000), fc.integer({ min: 129, max: 20_000 })) }),
  fc.record({
    h: fc.constant('socket' as const),
    malformation: fc.constantFrom<SocketMalformation>('oversized-header', 'long-path', 'no-colon', 'control-character', 'unknown-method'),
    size: fc.integer({ min: 16 * 1024 + 1, max: 24_000 }),
    character: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 11, max: 12 }), fc.integer({ min: 14, max: 31 }), fc.constant(127)),
  }),
);

const randomBody: fc.Arbitrary<RandomBody> = fc.oneof(
  fc.record({ k: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ k: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 48 }) }),
  fc.record({ k: fc.constant('text' as const), text: fc.string({ unit: 'binary', maxLength: 48 }) }),
);

/** Stands for a 40,000-character path piece, so that a counterexample prints short. */
export const longPiece = '<40000>';

/** Path pieces that make odd paths: dots, encodings, separators, unicode, a 40,000-character piece. */
const pathPiece = fc.oneof(
  fc.constantFrom('', '.', '..', '%', '%00', '%2F', '%2e%2e', '%ZZ', '*', '~', ';', ':player_id', 'v1', 'players', 'provider', 'bet', 'deposits', 'transactions', 'docs', 'static', 'health'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }).map((text) => text.replace(/[?#]/g, '')),
  fc.string({ unit: 'binary', maxLength: 8 }).map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))),
  fc.constant(longPiece),
);

const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH');

const queryPair = fc.tuple(fc.oneof(fc.constantFrom('limit', 'cursor', 'from', 'to', 'group_by', 'status', 'currency', 'prefix', 'target', 'action'), fc.string({ maxLength: 6 })), fc.oneof(headerText(24), fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String)));

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 14, arbitrary: fc.record({ t: fc.constant('valid' as const), call: moneySpec, decoration: fc.option(decoration, { nil: null, freq: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('replay' as const), of: fc.nat(), altered: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('status' as const), player, block: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('read' as const), player }) },
  { weight: 14, arbitrary: fc.record({ t: fc.constant('harmed' as const), call: moneySpec, harm, idFrom: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('random-body' as const), route: fc.nat(), body: randomBody, credentials: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('wrong-method' as const), route: fc.nat(), method: fc.nat(), withBody: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unknown-route' as const), pieces: fc.array(pathPiece, { maxLength: 4 }), method }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('odd-path' as const), base: fc.nat(), pieces: fc.array(pathPiece, { minLength: 1, maxLength: 4 }), method: fc.constantFrom('GET' as const, 'HEAD' as const, 'POST' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('query' as const), route: fc.nat(), pairs: fc.array(queryPair, { minLength: 1, maxLength: 4 }) }) },
);

/** A session: at most `stepsMax` requests after the players are registered. */
export function sessions(stepsMax: number): fc.Arbitrary<Step[]> {
  return fc.array(step, { minLength: 1, maxLength: stepsMax, size: 'max' });
}
