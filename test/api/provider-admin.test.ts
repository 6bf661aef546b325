// Goal: registering a provider is create-only, its settings change only through PATCH, and its
// secret only through a rotation in which the previous secret keeps verifying until it expires,
// on this node and on another one (issue 14, point 7). Each change is in the audit log, never the
// secret. Method: the app on a croupier of each store, called with app.inject(); a second node is
// a second app with its own provider registry (and its own clock) on the same store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { ProviderRegistry } from '../../src/api/provider/provider-registry.js';
import { RateLimits } from '../../src/api/rate-limits.js';
import { createCroupier, type Croupier } from '../../src/croupier.js';
import { startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { expectRefusal, operatorCalls, providerCall } from '../support/operator-calls.js';
import { storesUnderTest } from '../support/stores.js';

const secret = 'first-secret-0123456789abcdef';
const nextSecret = 'second-secret-0123456789abcdef';

for (const store of await storesUnderTest('provider administration')) {
  describe(`provider administration on ${store.name}`, () => {
    let croupier: Croupier;
    let nodeA: TestApp;
    let cleanup: () => Promise<void>;
    const call = operatorCalls(() => nodeA.app);
    let sequence = 0;
    const fresh = (prefix: string) => `${prefix}-${(sequence += 1)}`;

    beforeAll(async () => {
      const empty = store.fresh();
      cleanup = empty.cleanup;
      croupier = await createCroupier({ ...empty.options, expirySweepMs: 0 });
      nodeA = await startTestApp({ croupier, providers: 'env-games:env-secret-0123456789abcdef' });
    });
    afterAll(async () => {
      await nodeA?.close();
      await croupier?.close();
      await cleanup?.();
    });

    async function player(): Promise<string> {
      const playerId = fresh('player');
      expect((await call('POST', '/v1/players', { player_id: playerId, currency: 'EUR' })).status).toBe(201);
      return playerId;
    }

    const balance = (app: FastifyInstance, providerId: string, key: string, playerId: string) => providerCall(app, providerId, key, 'balance', { player_id: playerId });

    it('answers an identical repeat 200 with the same body, and another body 409 without changing anything', async () => {
      const providerId = fresh('games');
      const registration = { provider_id: providerId, secret, rollback_unknown: 'error', max_win: '500000' };
      const created = await call('POST', '/v1/providers', registration);
      expect(created.status, created.text).toBe(201);
      expect(created.json).toEqual({ provider_id: providerId, rollback_unknown: 'error', max_win: '500000', max_round_payout: null, previous_secret_expires_at: null, configured_by: 'operator' });
      const repeated = await call('POST', '/v1/providers', registration);
      expect(repeated.status).toBe(200);
      expect(repeated.json).toEqual(created.json);
      expectRefusal(await call('POST', '/v1/providers', { ...registration, secret: nextSecret }), 409, 'PROVIDER_EXISTS');
      expectRefusal(await call('POST', '/v1/providers', { ...registration, rollback_unknown: 'ok' }), 409, 'PROVIDER_EXISTS');
      expectRefusal(await call('POST', '/v1/providers', { provider_id: providerId, secret }), 409, 'PROVIDER_EXISTS');
      expectRefusal(await call('POST', '/v1/providers', { provider_id: 'env-games', secret }), 409, 'PROVIDER_EXISTS');
      expect((await call('GET', `/v1/providers/${providerId}`)).json).toEqual(created.json);
      const playerId = await player();
      expect((await balance(nodeA.app, providerId, secret, playerId)).status).toBe(200);
      expectRefusal(await balance(nodeA.app, providerId, nextSecret, playerId), 401, 'INVALID_SIGNATURE');
    });

    it('changes settings with PATCH only: a field left out keeps its value, null clears a cap', async () => {
      const providerId = fresh('games');
      expect((await call('POST', '/v1/providers', { provider_id: providerId, secret })).status).toBe(201);
      const capped = await call('PATCH', `/v1/providers/${providerId}`, { max_win: '100000', max_round_payout: 250000 });
      expect(capped.json).toMatchObject({ rollback_unknown: 'ok', max_win: '100000', max_round_payout: '250000' });
      const strict = await call('PATCH', `/v1/providers/${providerId}`, { rollback_unknown: 'error', max_win: null });
      expect(strict.json).toMatchObject({ rollback_unknown: 'error', max_win: null, max_round_payout: '250000' });
      expect(nodeA.providers.find(providerId)).toMatchObject({ rollbackUnknown: 'error', winMax: null, roundPayoutMax: 250_000n });
      expectRefusal(await call('PATCH', `/v1/providers/${providerId}`, {}), 400, 'VALIDATION_ERROR');
      expectRefusal(await call('PATCH', `/v1/providers/${providerId}`, { secret: nextSecret }), 400, 'VALIDATION_ERROR');
      expectRefusal(await call('PATCH', '/v1/providers/nobody', { max_win: '1' }), 404, 'PROVIDER_NOT_FOUND');
      expectRefusal(await call('PATCH', '/v1/providers/env-games', { max_win: '1' }), 400, 'VALIDATION_ERROR');
    });

    it('rotates a secret with an overlap in which both verify; a repeated rotation keeps the previous secret', async () => {
      const providerId = fresh('games');
      expect((await call('POST', '/v1/providers', { provider_id: providerId, secret })).status).toBe(201);
      const playerId = await player();
      const before = Date.now();
      const rotated = await call('POST', `/v1/providers/${providerId}/secret-rotations`, { secret: nextSecret, previous_secret_valid_seconds: 3_600 });
      expect(rotated.status, rotated.text).toBe(200);
      const expiresAt = Date.parse(String(rotated.json.previous_secret_expires_at));
      expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
      expect(Date.parse(String(rotated.json.new_secret_everywhere_at))).toBeGreaterThanOrEqual(before + nodeA.providers.refreshIntervalMs);
      expect(rotated.text).not.toContain(secret);
      expect(rotated.text).not.toContain(nextSecret);
      expect((await balance(nodeA.app, providerId, secret, playerId)).status).toBe(200);
      expect((await balance(nodeA.app, providerId, nextSecret, playerId)).status).toBe(200);
      // A retried rotation (same secret) must not make the new secret the previous one.
      const again = await call('POST', `/v1/providers/${providerId}/secret-rotations`, { secret: nextSecret, previous_secret_valid_seconds: 0 });
      expect(again.json.previous_secret_expires_at).toBe(rotated.json.previous_secret_expires_at);
      expect((await balance(nodeA.app, providerId, secret, playerId)).status).toBe(200);
      expectRefusal(await call('POST', `/v1/providers/${providerId}/secret-rotations`, { secret: 'short' }), 400, 'VALIDATION_ERROR');
      expectRefusal(await call('POST', `/v1/providers/${providerId}/secret-rotations`, { secret, previous_secret_valid_seconds: 8 * 86_400 }), 400, 'VALIDATION_ERROR');
      expectRefusal(await call('POST', '/v1/providers/nobody/secret-rotations', { secret }), 404, 'PROVIDER_NOT_FOUND');
    });

    it('rotates across nodes: another node verifies the new secret after its refresh and refuses the old one after the expiry', async () => {
      const providerId = fresh('games');
      expect((await call('POST', '/v1/providers', { provider_id: providerId, secret })).status).toBe(201);
      let clockMs = Date.now();
      const registryB = new ProviderRegistry([], croupier.providers, () => clockMs);
      await registryB.start(60_000);
      const rateLimits = RateLimits.create({ providerPerSecond: 100_000, operatorPerSecond: 100_000 });
      const nodeB = await buildApp({ croupier, providers: registryB, rateLimits, operatorKeys: [testOperatorKey] });
      try {
        const playerId = await player();
        const rotated = await call('POST', `/v1/providers/${providerId}/secret-rotations`, { secret: nextSecret, previous_secret_valid_seconds: 600 });
        expect(rotated.status).toBe(200);
        // B has not refreshed yet: the old secret still verifies there, the new one not yet.
        expect((await balance(nodeB, providerId, secret, playerId)).status).toBe(200);
        expectRefusal(await balance(nodeB, providerId, nextSecret, playerId), 401, 'INVALID_SIGNATURE');
        await registryB.refresh();
        expect((await balance(nodeB, providerId, secret, playerId)).status).toBe(200);
        expect((await balance(nodeB, providerId, nextSecret, playerId)).status).toBe(200);
        // Past the expiry on B's clock, without another refresh: only the new secret.
        clockMs = Date.parse(String(rotated.json.previous_secret_expires_at));
        expectRefusal(await balance(nodeB, providerId, secret, playerId), 401, 'INVALID_SIGNATURE');
        expect((await balance(nodeB, providerId, nextSecret, playerId)).status).toBe(200);
        expect(registryB.find(providerId)?.previousSecretExpiresAt).toBeNull();
      } finally {
        await nodeB.close();
        registryB.stop();
        await rateLimits.close();
      }
    });

    it('records every change in the audit log with the key id, never a secret', async () => {
      const providerId = fresh('games');
      const created = await call('POST', '/v1/providers', { provider_id: providerId, secret });
      await call('POST', '/v1/providers', { provider_id: providerId, secret });
      await call('POST', '/v1/providers', { provider_id: providerId, secret: nextSecret });
      await call('PATCH', `/v1/providers/${providerId}`, { max_win: '7' });
      await call('POST', `/v1/providers/${providerId}/secret-rotations`, { secret: nextSecret });
      const log = await call<{ items: Record<string, unknown>[] }>('GET', `/v1/audit?target=${providerId}`);
      expect(log.status, log.text).toBe(200);
      expect(log.json.items.map((item) => item.action)).toEqual(['provider.secret_rotation', 'provider.update', 'provider.create']);
      expect(log.text).not.toContain(secret);
      expect(log.text).not.toContain(nextSecret);
      expect(log.text).not.toContain(testOperatorKey);
      const [rotation, update, creation] = log.json.items;
      expect(creation).toMatchObject({ actor: expect.stringMatching(/^key:[0-9a-f]{12}$/), request_id: created.headers['x-request-id'], target: providerId });
      expect(update?.change).toEqual({ before: { rollback_unknown: 'ok', max_win: null, max_round_payout: null }, after: { rollback_unknown: 'ok', max_win: '7', max_round_payout: null } });
      expect(Object.keys(rotation?.change as object)).toEqual(['previous_secret_expires_at']);
    });
  });
}
