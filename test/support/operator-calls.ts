import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { signedHeaders } from './http-provider-client.js';
import { testOperatorKey } from './http-app.js';

export interface InjectedReply<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly text: string;
  readonly json: T;
}

export type OperatorMethod = 'GET' | 'POST' | 'PUT' | 'PATCH';

/** Operator calls through app.inject with a bearer key; `body` as an object is sent as JSON. */
export function operatorCalls(app: () => FastifyInstance, key = testOperatorKey) {
  return async function call<T = Record<string, unknown>>(method: OperatorMethod, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<InjectedReply<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const response = await app().inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers, text: response.body, json: json as T };
  };
}

/** A signed provider call through app.inject. */
export async function providerCall(app: FastifyInstance, providerId: string, secret: string, operation: 'balance' | 'bet' | 'win' | 'rollback', body: Record<string, unknown>): Promise<InjectedReply> {
  const raw = JSON.stringify(body);
  const response = await app.inject({ method: 'POST', url: `/v1/provider/${operation}`, headers: { 'content-type': 'application/json', ...signedHeaders(providerId, secret, raw) }, payload: raw });
  return { status: response.statusCode, headers: response.headers, text: response.body, json: JSON.parse(response.body) as Record<string, unknown> };
}

/** The documented error shape with this status and code. */
export function expectRefusal(reply: InjectedReply<unknown>, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  const body = reply.json as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error?.code).toBe(code);
  expect(String(body.error?.message).length).toBeGreaterThan(0);
}
