import { createHmac } from 'node:crypto';
import { errorRegistry, type ErrorCode } from '../../src/api/error-registry.js';
import type { CommandInput } from '../../src/core/commands.js';
import { longPiece, type Decoration, type Harm, type MoneySpec, type RandomBody, type Step } from './api-fuzz-steps.js';
import { testOperatorKey } from './http-app.js';
import { rawRequest } from './raw-http.js';

/**
 * Turns the steps of test/support/api-fuzz-steps.ts into HTTP requests, each with what must come
 * back: the command the model applies for a valid call, the one documented refusal for a
 * spoiled one, or nothing but the general rules for the rest.
 */

export const fuzzProvider = { id: 'fuzz-games', secret: 'fuzz-games-secret-0123456789' } as const;
/** The server's clock during the fuzz, in unix seconds: stale and future timestamps are exact. */
export const fuzzNowSeconds = 1_800_000_000;
const bodyBytesMax = 16 * 1024;
const longPieceLength = 40_000;
/** A message may quote 200 characters of a URL or a body, never this many. */
const echoedLengthMax = 200;

export interface Expected {
  readonly status: number;
  readonly code: ErrorCode;
  /** The Allow header a 405 must carry. */
  readonly allow?: string;
}

export interface FuzzRequest {
  readonly label: string;
  readonly via: 'inject' | 'socket';
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string | Buffer | null;
  /** The bytes a socket request sends. */
  readonly bytes: string | null;
  /** The one answer documented for this request, when there is one. */
  readonly expected: Expected | null;
  /** The command a valid call makes the service apply: the model applies it too. */
  readonly command: CommandInput | null;
  /** The player a read is of: its balance and status must be the model's. */
  readonly reads: string | null;
  /** A hostile request on a path that moves money: it must be refused. */
  readonly mustRefuse: boolean;
  /** Text the answer must not repeat (a long piece of the request). */
  readonly notEchoed: string | null;
}

export interface Session {
  readonly prefix: string;
  readonly steps: readonly Step[];
}

export const playerIdOf = (prefix: string, index: number) => `${prefix}p${index}`;
const transactionIdOf = (session: Session, index: number) => `${session.prefix}t${index % session.steps.length}`;

function refusal(code: ErrorCode): Expected {
  return { status: errorRegistry[code].status, code };
}

const jsonType = { 'content-type': 'application/json' } as const;
const bearer = { authorization: `Bearer ${testOperatorKey}` } as const;

/** The provider's three headers for `body`, signed as docs/architecture.md §5 says. */
function signature(body: string | Buffer, stamp = String(fuzzNowSeconds), secret: string = fuzzProvider.secret, providerId: string = fuzzProvider.id): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`${stamp}.`).update(body).digest('hex');
  return { 'x-provider-id': providerId, 'x-timestamp': stamp, 'x-signature': mac };
}

function request(label: string, method: string, url: string, fields: Partial<FuzzRequest> = {}): FuzzRequest {
  return { label, via: 'inject', method, url, headers: {}, payload: null, bytes: null, expected: null, command: null, reads: null, mustRefuse: false, notEchoed: null, ...fields };
}

/** A money call as a valid caller sends it. */
interface Call {
  readonly api: 'provider' | 'operator';
  readonly url: string;
  /** The URL with another player segment: operator calls carry the player in the path. */
  readonly urlFor: ((playerSegment: string) => string) | null;
  readonly body: Readonly<Record<string, unknown>>;
  readonly command: CommandInput;
  /** The body's id fields, and `path` for the player of an operator call. */
  readonly idFields: readonly string[];
}

/** `amount` as a JSON integer when asked and exact, else as a string of digits. */
function amountOf(amount: bigint, asNumber: boolean): string | number {
  return asNumber && amount <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(amount) : String(amount);
}

/** The call of `spec` sent at step `index` under `transactionId`. */
function callOf(spec: MoneySpec, session: Session, index: number, transactionId: string): Call {
  const followed = spec.kind === 'win' && spec.followsBet ? latestBetBefore(session, index) : undefined;
  const playerId = playerIdOf(session.prefix, followed?.player ?? spec.player);
  const source = fuzzProvider.id;
  switch (spec.kind) {
    case 'deposit':
    case 'withdrawal': {
      const urlFor = (segment: string) => `/v1/players/${segment}/${spec.kind === 'deposit' ? 'deposits' : 'withdrawals'}`;
      const body = { transaction_id: transactionId, amount: amountOf(spec.amount, spec.asNumber) };
      return { api: 'operator', url: urlFor(playerId), urlFor, body, command: { kind: spec.kind, source: 'operator', transactionId, playerId, amount: String(spec.amount) }, idFields: ['transaction_id', 'path'] };
    }
    case 'bet':
    case 'win': {
      const roundId = `${session.prefix}r${followed?.round ?? spec.round}`;
      const body = { transaction_id: transactionId, player_id: playerId, round_id: roundId, game_id: spec.game, amount: amountOf(spec.amount, spec.asNumber), currency: spec.currency };
      const limits = spec.kind === 'win' ? { winMax: null, roundPayoutMax: null } : {};
      const command = { kind: spec.kind, source, transactionId, playerId, roundId, gameId: spec.game, amount: String(spec.amount), currency: spec.currency, ...limits };
      return { api: 'provider', url: `/v1/provider/${spec.kind}`, urlFor: null, body, command, idFields: ['transaction_id', 'player_id', 'round_id', 'game_id'] };
    }
    case 'rollback':
      return rollbackCall(spec, session, transactionId, playerId);
    case 'balance':
      return { api: 'provider', url: '/v1/provider/balance', urlFor: null, body: { player_id: playerId }, command: { kind: 'balance', playerId }, idFields: ['player_id'] };
  }
}

function latestBetBefore(session: Session, index: number): { readonly player: number; readonly round: number } | undefined {
  for (let at = Math.min(index, session.steps.length) - 1; at >= 0; at -= 1) {
    const step = session.steps[at];
    if (step?.t === 'valid' && step.call.kind === 'bet') return step.call;
  }
  return undefined;
}

/**
 * A rollback of the transaction id of any step (a bet, earlier or later, or no bet at all), mostly
 * in the bet's own round. Never of its own id. Known defect: a rollback that names itself, of a
 * bet never seen, is answered 503 UNAVAILABLE with every command of its batch; the test pins it
 * on its own.
 */
function rollbackCall(spec: Extract<MoneySpec, { kind: 'rollback' }>, session: Session, transactionId: string, playerId: string): Call {
  const referenced = session.steps[spec.reference % session.steps.length];
  const betRound = referenced?.t === 'valid' && referenced.call.kind === 'bet' ? referenced.call.round : spec.round;
  const roundId = `${session.prefix}r${spec.betsOwnRound ? betRound : spec.round}`;
  const named = transactionIdOf(session, spec.reference);
  const referenceId = named === transactionId ? `${named}-unseen` : named;
  const body = { transaction_id: transactionId, player_id: playerId, round_id: roundId, reference_transaction_id: referenceId };
  const command = { kind: 'rollback' as const, source: fuzzProvider.id, transactionId, playerId, roundId, referenceTransactionId: referenceId, unknownBet: 'ok' };
  return { api: 'provider', url: '/v1/provider/rollback', urlFor: null, body, command, idFields: ['transaction_id', 'player_id', 'round_id', 'reference_transaction_id'] };
}

/** `raw` posted with the call's own credentials (signed over `raw`, or the operator key). */
function posted(call: Call, raw: string, label: string, fields: Partial<FuzzRequest> = {}): FuzzRequest {
  const credentials = call.api === 'provider' ? signature(raw) : bearer;
  return request(label, 'POST', call.url, { headers: { ...jsonType, ...credentials }, payload: raw, ...fields });
}

/** The valid-shaped call spoiled so that it must be refused, with its documented answer. */
function spoiled(call: Call, raw: string, label: string, expected: Expected, fields: Partial<FuzzRequest> = {}): FuzzRequest {
  return posted(call, raw, label, { expected, mustRefuse: call.command.kind !== 'balance', ...fields });
}

export function materialise(session: Session): FuzzRequest[] {
  return session.steps.map((step, index) => requestOf(step, index, session));
}

function requestOf(step: Step, index: number, session: Session): FuzzRequest {
  switch (step.t) {
    case 'valid': {
      const call = callOf(step.call, session, index, transactionIdOf(session, index));
      const valid = posted(call, JSON.stringify(call.body), `valid ${call.command.kind}`, { command: call.command });
      return step.decoration === null ? valid : { ...valid, headers: decorated(valid.headers, step.decoration) };
    }
    case 'replay':
      return replayOf(step, index, session);
    case 'status': {
      const kind = step.block ? 'block' : 'unblock';
      const playerId = playerIdOf(session.prefix, step.player);
      return request(kind, 'POST', `/v1/players/${playerId}/${kind}`, { headers: bearer, command: { kind, playerId } });
    }
    case 'read':
      return playerRead(session.prefix, step.player);
    case 'harmed':
      return harmed(callOf(step.call, session, index, transactionIdOf(session, step.idFrom)), step.harm);
    case 'random-body':
      return randomBodyRequest(session, step.route, step.body, step.credentials);
    case 'wrong-method':
      return wrongMethod(session, step.route, step.method, step.withBody);
    case 'unknown-route':
      return unknownRoute(step.pieces, step.method);
    case 'odd-path':
      return oddPath(session, step.base, step.pieces, step.method);
    case 'query':
      return queried(session, step.route, step.pairs);
  }
}

function decorated(headers: Readonly<Record<string, string>>, decoration: Decoration): Record<string, string> {
  const requestId: Record<string, string> = decoration.requestId === null ? {} : { 'x-request-id': decoration.requestId };
  return { ...headers, [`x-fz-${decoration.name}`]: decoration.value, ...requestId, 'content-type': decoration.contentType };
}

/** GET /v1/players/{id} of one of the session's players. */
export function playerRead(prefix: string, player: number): FuzzRequest {
  const playerId = playerIdOf(prefix, player);
  return request(`read of ${playerId}`, 'GET', `/v1/players/${playerId}`, { headers: bearer, reads: playerId });
}

/** An earlier valid call sent again under its transaction id, as it was or with another amount or reference. */
function replayOf(step: Extract<Step, { t: 'replay' }>, index: number, session: Session): FuzzRequest {
  const earlier = session.steps.slice(0, index).flatMap((other, at) => (other.t === 'valid' && other.call.kind !== 'balance' ? [{ spec: other.call, at }] : []));
  const original = earlier[step.of % Math.max(earlier.length, 1)];
  if (original === undefined) return playerRead(session.prefix, 0);
  const spec = step.altered ? altered(original.spec) : original.spec;
  const call = callOf(spec, session, original.at, transactionIdOf(session, original.at));
  return posted(call, JSON.stringify(call.body), `${step.altered ? 'altered ' : ''}replay of ${call.command.kind}`, { command: call.command });
}

function altered(spec: MoneySpec): MoneySpec {
  if (spec.kind === 'rollback') return { ...spec, reference: spec.reference + 1 };
  if (spec.kind === 'balance') return spec;
  return { ...spec, amount: spec.amount + 1n };
}

function harmed(call: Call, harm: Harm): FuzzRequest {
  const label = `${harm.h} on ${call.url}`;
  const invalid = refusal('VALIDATION_ERROR');
  const raw = JSON.stringify(call.body);
  const keys = Object.keys(call.body);
  switch (harm.h) {
    case 'duplicate-key': {
      const key = keys[harm.key % keys.length] as string;
      return spoiled(call, `${raw.slice(0, -1)},${harm.escaped ? escapedKey(key) : JSON.stringify(key)}:${JSON.stringify(harm.value)}}`, label, invalid);
    }
    case 'inexact-number': {
      const entries = Object.entries({ ...call.body, amount: null }).map(([key, value]) => `${JSON.stringify(key)}:${key === 'amount' ? harm.token : JSON.stringify(value)}`);
      return spoiled(call, `{${entries.join(',')}}`, label, invalid);
    }
    case 'bad-amount':
      return spoiled(call, JSON.stringify({ ...call.body, amount: harm.text }), label, invalid);
    case 'bad-id':
      return withId(call, call.idFields[harm.field % call.idFields.length] as string, harm.text, label);
    case 'wrong-type':
      return spoiled(call, JSON.stringify({ ...call.body, [keys[harm.field % keys.length] as string]: harm.value }), label, invalid);
    case 'missing-field':
      return spoiled(call, JSON.stringify(Object.fromEntries(Object.entries(call.body).filter((_entry, at) => at !== harm.field % keys.length))), label, invalid);
    case 'extra-field':
      return spoiled(call, JSON.stringify({ ...call.body, [harm.name]: harm.value }), label, invalid);
    case 'unsigned':
      return unsigned(call, raw, harm, label);
    case 'media-type': {
      const sent = spoiled(call, raw, label, refusal('UNSUPPORTED_MEDIA_TYPE'));
      const headers = withoutHeader(sent.headers, 'content-type');
      return { ...sent, headers: harm.contentType === null ? headers : { ...headers, 'content-type': harm.contentType } };
    }
    case 'oversized-body':
      return spoiled(call, JSON.stringify({ ...call.body, padding: 'x'.repeat(harm.bytes) }), label, refusal('PAYLOAD_TOO_LARGE'));
    case 'long-id':
      return withLongId(call, call.idFields[harm.field % call.idFields.length] as string, harm.length, label);
    case 'socket':
      return overSocket(call, harm, label);
  }
}

/** `"\u0074ransaction_id"`: the same key as JSON.parse reads it, spelt differently. */
function escapedKey(key: string): string {
  return `"\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(key).slice(2)}`;
}

/** Every byte of `text` percent-encoded: any text as a path segment. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

function withId(call: Call, field: string, text: string, label: string): FuzzRequest {
  const invalid = refusal('VALIDATION_ERROR');
  const raw = JSON.stringify(call.body);
  if (field === 'path' && call.urlFor !== null) return spoiled({ ...call, url: call.urlFor(percentEncoded(text === '' ? ' ' : text)) }, raw, label, invalid);
  return spoiled(call, JSON.stringify({ ...call.body, [field]: text }), label, invalid);
}

function withLongId(call: Call, field: string, length: number, label: string): FuzzRequest {
  const long = 'x'.repeat(length);
  const notEchoed = 'x'.repeat(echoedLengthMax + 1);
  if (field === 'path' && call.urlFor !== null) return spoiled({ ...call, url: call.urlFor(long) }, JSON.stringify(call.body), label, refusal('VALIDATION_ERROR'), { notEchoed });
  const raw = JSON.stringify({ ...call.body, [field]: long });
  return spoiled(call, raw, label, refusal(Buffer.byteLength(raw) > bodyBytesMax ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_ERROR'), { notEchoed });
}

/** A provider call signed wrongly (each cause of docs/architecture.md §5), or an operator call without its key. */
function unsigned(call: Call, raw: string, harm: Extract<Harm, { h: 'unsigned' }>, label: string): FuzzRequest {
  const now = fuzzNowSeconds;
  const text = harm.text;
  const providerBends: Record<string, string>[] = [
    signature(raw, String(now), 'another-secret-0123456789'),
    signature(raw, String(now - harm.seconds)),
    signature(raw, String(now + harm.seconds)),
    withoutHeader(signature(raw), 'x-provider-id'),
    withoutHeader(signature(raw), 'x-timestamp'),
    withoutHeader(signature(raw), 'x-signature'),
    signature(raw, /^[0-9]{1,12}$/.test(text) ? `${text}.5` : text),
    { ...signature(raw), 'x-signature': text },
    signature(raw, String(now), fuzzProvider.secret, text === fuzzProvider.id ? `${text}-x` : text),
    { ...signature(`${raw} `), 'x-timestamp': String(now) },
    { ...signature(raw, String(now)), 'x-timestamp': String(now - 1) },
  ];
  const operatorBends: Record<string, string>[] = [
    {},
    { authorization: 'Bearer another-operator-key-0123456789' },
    { authorization: `Basic ${Buffer.from(`operator:${testOperatorKey}`).toString('base64')}` },
    { authorization: `bearer ${testOperatorKey}` },
    { authorization: 'Bearer ' },
    { authorization: `Bearer ${testOperatorKey}x` },
    { authorization: text.includes(testOperatorKey) ? '' : text },
  ];
  const bends = call.api === 'provider' ? providerBends : operatorBends;
  const headers = { ...jsonType, ...(bends[harm.variant % bends.length] as Record<string, string>) };
  const expected = refusal(call.api === 'provider' ? 'INVALID_SIGNATURE' : 'UNAUTHORIZED');
  return request(`${label} #${harm.variant % bends.length}`, 'POST', call.url, { headers, payload: raw, expected, mustRefuse: call.command.kind !== 'balance' });
}

function withoutHeader(headers: Readonly<Record<string, string>>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
}

/** The valid call over a real socket, spoiled where Node's HTTP parser reads it. */
function overSocket(call: Call, harm: Extract<Harm, { h: 'socket' }>, label: string): FuzzRequest {
  const raw = JSON.stringify(call.body);
  const headers = { 'Content-Type': 'application/json', ...(call.api === 'provider' ? signature(raw) : bearer) };
  const sent = (bytes: string, expected: Expected | null, notEchoed: string | null = null) =>
    request(`${label} ${harm.malformation}`, 'POST', call.url, { via: 'socket', bytes, expected, notEchoed, mustRefuse: call.command.kind !== 'balance' });
  switch (harm.malformation) {
    case 'oversized-header':
      return sent(rawRequest('POST', call.url, { ...headers, 'X-Padding': 'p'.repeat(harm.size) }, raw), refusal('HEADERS_TOO_LARGE'));
    case 'long-path': {
      const long = 'u'.repeat(longPieceLength);
      const url = call.urlFor === null ? `${call.url}?pad=${long}` : call.urlFor(long);
      return sent(rawRequest('POST', url, headers, raw), refusal('HEADERS_TOO_LARGE'), 'u'.repeat(echoedLengthMax + 1));
    }
    case 'no-colon': {
      const bytes = rawRequest('POST', call.url, headers, raw);
      const lineEnd = bytes.indexOf('\r\n');
      return sent(`${bytes.slice(0, lineEnd)}\r\nNoColonHere${bytes.slice(lineEnd)}`, refusal('VALIDATION_ERROR'));
    }
    case 'control-character':
      return sent(rawRequest('POST', call.url, { ...headers, 'X-Junk': `a${String.fromCharCode(harm.character)}b` }, raw), refusal('VALIDATION_ERROR'));
    case 'unknown-method':
      return sent(rawRequest('BREW', call.url, headers, raw), refusal('VALIDATION_ERROR'));
  }
}

/** Paths of every API with the methods they take (as the Allow header lists them), for one run's player. */
interface KnownRoute {
  readonly path: string;
  readonly allow: string;
  readonly api: 'provider' | 'operator' | 'open';
}

function knownRoutes(session: Session): readonly KnownRoute[] {
  const player = `/v1/players/${playerIdOf(session.prefix, 0)}`;
  const operator = (path: string, allow: string): KnownRoute => ({ path, allow, api: 'operator' });
  return [
    ...['balance', 'bet', 'win', 'rollback'].map((kind): KnownRoute => ({ path: `/v1/provider/${kind}`, allow: 'POST', api: 'provider' })),
    operator('/v1/players', 'GET, HEAD, POST'),
    operator(player, 'GET, HEAD'),
    operator(`${player}/deposits`, 'POST'),
    operator(`${player}/withdrawals`, 'POST'),
    operator(`${player}/block`, 'POST'),
    operator(`${player}/unblock`, 'POST'),
    operator(`${player}/transactions`, 'GET, HEAD'),
    operator(`${player}/bonuses`, 'GET, HEAD, POST'),
    operator(`${player}/bonuses/fuzz-grant/cancel`, 'POST'),
    operator(`${player}/bonus-opt-ins`, 'POST'),
    operator(`/v1/transactions/operator/${session.prefix}t0`, 'GET, HEAD'),
    operator('/v1/providers', 'GET, HEAD, POST'),
    operator('/v1/providers/fuzz-nobody', 'GET, HEAD, PATCH'),
    operator('/v1/providers/fuzz-nobody/secret-rotations', 'POST'),
    operator('/v1/games', 'GET, HEAD'),
    operator('/v1/games/fuzz-game', 'PUT'),
    operator('/v1/campaigns', 'GET, HEAD, POST'),
    operator('/v1/campaigns/fuzz-campaign', 'GET, HEAD, PATCH'),
    operator('/v1/campaigns/fuzz-campaign/stats', 'GET, HEAD'),
    operator('/v1/audit', 'GET, HEAD'),
    operator('/v1/reports/ggr', 'GET, HEAD'),
    { path: '/health', allow: 'GET, HEAD', api: 'open' },
    { path: '/ready', allow: 'GET, HEAD', api: 'open' },
    { path: '/openapi.json', allow: 'GET, HEAD', api: 'open' },
  ];
}

const moneyPaths = /^\/v1\/(provider\/(bet|win|rollback)|players\/[^/]+\/(deposits|withdrawals))$/;

/** A random body to a route that takes one (never block or unblock, which read no body and would block). */
function randomBodyRequest(session: Session, route: number, body: RandomBody, credentials: boolean): FuzzRequest {
  const targets = knownRoutes(session).filter((known) => /POST|PUT|PATCH/.test(known.allow) && !/\/(block|unblock)$/.test(known.path));
  const target = targets[route % targets.length] as KnownRoute;
  const method = /POST|PUT|PATCH/.exec(target.allow)?.[0] as string;
  const payload = body.k === 'json' ? JSON.stringify(body.value) : body.k === 'bytes' ? Buffer.from(body.bytes) : body.text;
  const signedOrKeyed = !credentials ? {} : target.api === 'provider' ? signature(payload) : bearer;
  return request(`random ${body.k} body to ${method} ${target.path}`, method, target.path, { headers: { ...jsonType, ...signedOrKeyed }, payload, mustRefuse: moneyPaths.test(target.path) });
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH'];

function wrongMethod(session: Session, route: number, pick: number, withBody: boolean): FuzzRequest {
  const routes = knownRoutes(session);
  const target = routes[route % routes.length] as KnownRoute;
  const others = methods.filter((method) => !target.allow.split(', ').includes(method));
  const method = others[pick % others.length] as string;
  const body = withBody ? { headers: { ...bearer, ...jsonType }, payload: '{}' } : { headers: bearer };
  return request(`${method} ${target.path}`, method, target.path, { ...body, expected: { ...refusal('METHOD_NOT_ALLOWED'), allow: target.allow } });
}

function expandedPiece(piece: string): string {
  return piece === longPiece ? 'u'.repeat(longPieceLength) : piece;
}

/** A path no route has: every segment starts with `zz` (so no `.` or `..` segment) and is percent-encoded. */
function unknownRoute(pieces: readonly string[], method: string): FuzzRequest {
  const path = `/${['', ...pieces].map((piece) => `zz${encodeURIComponent(expandedPiece(piece).replace(/[\ud800-\udfff]/g, ''))}`).join('/')}`;
  const notEchoed = pieces.includes(longPiece) ? 'u'.repeat(echoedLengthMax + 1) : null;
  return request(`${method} unknown route`, method, path, { headers: bearer, expected: refusal('ROUTE_NOT_FOUND'), notEchoed });
}

/** Odd pieces after a known prefix (under /docs/static/ too, where a missing file is a 404). */
function oddPath(session: Session, base: number, pieces: readonly string[], method: 'GET' | 'HEAD' | 'POST'): FuzzRequest {
  const bases = ['', '/docs', ...knownRoutes(session).map((known) => known.path)];
  const joined = `${bases[base % bases.length] as string}/${pieces.map(expandedPiece).join('/')}`;
  const path = joined;
  const body = method === 'POST' ? { headers: { ...bearer, ...jsonType }, payload: '{}' } : { headers: bearer };
  const notEchoed = pieces.includes(longPiece) ? 'u'.repeat(echoedLengthMax + 1) : null;
  return request(`${method} odd path`, method, path, { ...body, notEchoed });
}

function queried(session: Session, route: number, pairs: readonly (readonly [string, string])[]): FuzzRequest {
  const readable = knownRoutes(session).filter((known) => known.allow.includes('GET') && known.path !== '/openapi.json');
  const target = readable[route % readable.length] as KnownRoute;
  const query = pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
  return request(`GET ${target.path} with a query`, 'GET', `${target.path}?${query}`, { headers: bearer });
}
