import { createHmac } from 'node:crypto';

/**
 * A small client for the HTTP suites: signs provider calls the way docs/architecture.md §5 says
 * (`X-Signature` = hex HMAC-SHA256(secret, X-Timestamp + "." + raw body)) and sends them with
 * `fetch`, and calls the operator API with a bearer key. The signature is computed here on its
 * own, not with src/api/provider/signature.ts, so the suites check the contract, not the code.
 */

export type ProviderOperation = 'balance' | 'bet' | 'win' | 'rollback';

export function hmacSignature(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

export function nowUnixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The three provider headers for `rawBody`, signed at `timestamp` (unix seconds). */
export function signedHeaders(providerId: string, secret: string, rawBody: string, timestamp: number | string = nowUnixSeconds()): Record<string, string> {
  const stamp = String(timestamp);
  return { 'x-provider-id': providerId, 'x-timestamp': stamp, 'x-signature': hmacSignature(secret, stamp, rawBody) };
}

export interface HttpReply<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body; undefined when it is not JSON. */
  readonly json: T;
}

/** What callers can bend to produce badly signed requests. */
export interface CallOptions {
  /** Sign at this unix time instead of now. */
  readonly timestamp?: number | string;
  /** Send this signature instead of the right one. */
  readonly signature?: string;
  /** Send this provider id (the signature is still made with the client's secret). */
  readonly providerId?: string;
  /** Leave these headers out. */
  readonly omit?: readonly ('x-provider-id' | 'x-timestamp' | 'x-signature')[];
  /** Sign this text but send the body given to the call (a body changed after signing). */
  readonly signOver?: string;
  readonly contentType?: string;
}

export async function readReply<T>(response: Response): Promise<HttpReply<T>> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as T };
}

export interface Balance {
  readonly cash: string;
  readonly bonus: string;
  readonly total: string;
}

export interface ProviderSuccess {
  readonly transaction_id?: string;
  readonly balance: Balance;
  readonly currency: string;
  readonly duplicate: boolean;
}

export interface ErrorReply {
  readonly error: { readonly code: string; readonly message: string };
}

export type ProviderBody = ProviderSuccess & Partial<ErrorReply>;

export class ProviderClient {
  constructor(
    readonly baseUrl: string,
    readonly providerId: string,
    readonly secret: string,
    private readonly now: () => number = nowUnixSeconds,
  ) {}

  /** Posts `body` (an object is serialised, a string is sent as it is) to /v1/provider/{operation}. */
  async call(operation: ProviderOperation, body: unknown, options: CallOptions = {}): Promise<HttpReply<ProviderBody>> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const timestamp = String(options.timestamp ?? this.now());
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? 'application/json',
      'x-provider-id': options.providerId ?? this.providerId,
      'x-timestamp': timestamp,
      'x-signature': options.signature ?? hmacSignature(this.secret, timestamp, options.signOver ?? raw),
    };
    for (const name of options.omit ?? []) delete headers[name];
    const response = await fetch(`${this.baseUrl}/v1/provider/${operation}`, { method: 'POST', headers, body: raw });
    return readReply<ProviderBody>(response);
  }

  balance(playerId: string, options?: CallOptions): Promise<HttpReply<ProviderBody>> {
    return this.call('balance', { player_id: playerId }, options);
  }

  bet(move: GameMove, options?: CallOptions): Promise<HttpReply<ProviderBody>> {
    return this.call('bet', move, options);
  }

  win(move: GameMove, options?: CallOptions): Promise<HttpReply<ProviderBody>> {
    return this.call('win', move, options);
  }

  rollback(rollback: RollbackMove, options?: CallOptions): Promise<HttpReply<ProviderBody>> {
    return this.call('rollback', rollback, options);
  }
}

export interface GameMove {
  readonly transaction_id: string;
  readonly player_id: string;
  readonly round_id: string;
  readonly game_id: string;
  readonly amount: string | number;
  readonly currency: string;
}

export interface RollbackMove {
  readonly transaction_id: string;
  readonly player_id: string;
  readonly round_id: string;
  readonly reference_transaction_id: string;
}

/** The operator API over fetch, with one bearer key. */
export class OperatorClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string,
  ) {}

  async request<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpReply<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return readReply<T>(response);
  }

  /** Registers a player and, when `cash` > 0, deposits it; throws unless both are accepted. */
  async fundedPlayer(playerId: string, cash: number, currency = 'EUR'): Promise<void> {
    const created = await this.request('POST', '/v1/players', { player_id: playerId, currency });
    if (created.status !== 201) throw new Error(`registering ${playerId}: ${created.status} ${created.text}`);
    if (cash <= 0) return;
    const deposit = await this.request('POST', `/v1/players/${playerId}/deposits`, { transaction_id: `fund-${playerId}`, amount: String(cash) });
    if (deposit.status !== 200) throw new Error(`funding ${playerId}: ${deposit.status} ${deposit.text}`);
  }
}
