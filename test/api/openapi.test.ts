// Goal: /openapi.json is enough to integrate from. Every route has a summary, a unique
// operationId and tags; the provider routes require their three headers, name the HMAC scheme
// and show example calls; the operator routes name the bearer scheme and the player WebSocket
// its token; PUT /v1/games/{game_id} takes the id from the path only.
// Method: the app on in-memory PGlite; the document is read with app.inject() and walked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';

interface Parameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
}

interface Operation {
  readonly summary?: string;
  readonly operationId?: string;
  readonly tags?: string[];
  readonly security?: Record<string, string[]>[];
  readonly parameters?: Parameter[];
  readonly requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> }; example?: unknown; examples?: Record<string, unknown> }> };
}

interface Document {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string; description?: string }> };
}

let started: TestApp;
let document: Document;

beforeAll(async () => {
  started = await startTestApp({ providers: 'doc-games:doc-games-secret-0123456789' });
  document = (await started.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;
});

afterAll(async () => {
  await started?.close();
});

function operations(): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]));
}

describe('the OpenAPI document', () => {
  it('gives every route a summary, a unique operationId and tags', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(15);
    for (const [route, operation] of all) {
      expect(operation.summary, route).toMatch(/\w{3}/);
      expect(operation.operationId, route).toMatch(/^[a-zA-Z][a-zA-Z0-9]+$/);
      expect(operation.tags?.length, route).toBeGreaterThan(0);
    }
    const ids = all.map(([, operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares the HMAC scheme for provider routes and the bearer scheme for operator routes', () => {
    const schemes = document.components.securitySchemes;
    expect(schemes.providerSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Signature' });
    expect(schemes.providerSignature?.description).toMatch(/HMAC-SHA256/);
    expect(schemes.operatorKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.playerToken).toMatchObject({ type: 'apiKey', in: 'query', name: 'token' });
    for (const [route, operation] of operations()) {
      const scheme = route.includes('/v1/provider/') ? 'providerSignature' : route === 'GET /v1/stream' ? 'playerToken' : 'operatorKey';
      expect(operation.security, route).toEqual([{ [scheme]: [] }]);
    }
  });

  it('marks the three provider headers required and shows an example of each provider call', () => {
    const provider = operations().filter(([route]) => route.includes('/v1/provider/'));
    expect(provider.map(([route]) => route).sort()).toEqual(['POST /v1/provider/balance', 'POST /v1/provider/bet', 'POST /v1/provider/rollback', 'POST /v1/provider/win']);
    for (const [route, operation] of provider) {
      const headers = (operation.parameters ?? []).filter((parameter) => parameter.in === 'header');
      expect(headers.map((header) => [header.name.toLowerCase(), header.required]).sort(), route).toEqual([
        ['x-provider-id', true],
        ['x-signature', true],
        ['x-timestamp', true],
      ]);
      const media = operation.requestBody?.content['application/json'];
      expect(media?.example ?? media?.examples, route).toBeDefined();
    }
  });
});

describe('PUT /v1/games/{game_id}', () => {
  const headers = { authorization: `Bearer ${testOperatorKey}` };

  it('takes the id from the path only', async () => {
    const body = document.paths['/v1/games/{game_id}']?.put?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(body?.properties ?? {})).not.toContain('game_id');
    const saved = await started.app.inject({ method: 'PUT', url: '/v1/games/doc-slot', headers, payload: { category: 'slots' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ game_id: 'doc-slot', category: 'slots', provider_id: null, name: null });
    const repeated = await started.app.inject({ method: 'PUT', url: '/v1/games/doc-slot', headers, payload: { game_id: 'doc-slot', category: 'slots' } });
    expect(repeated.statusCode).toBe(400);
    const other = await started.app.inject({ method: 'PUT', url: '/v1/games/doc-slot', headers, payload: { category: 'slots', colour: 'red' } });
    expect(other.statusCode).toBe(400);
  });
});
