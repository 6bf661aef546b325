// Goal: one error registry, complete and documented. Method: compare the list of codes (domain and transport)
// with the registry and with docs/errors.md (which is rendered from the registry).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { errorCodes, errorRegistry } from '../../src/api/error-registry.js';
import { errorsDocPath, renderErrorsDoc } from '../../scripts/errors-doc.js';

describe('error registry', () => {
  it('maps every result code to an HTTP status and a description', () => {
    expect(Object.keys(errorRegistry).sort()).toEqual([...errorCodes].sort());
    for (const code of errorCodes) {
      expect(errorRegistry[code].status).toBeGreaterThanOrEqual(400);
      expect(errorRegistry[code].description.length).toBeGreaterThan(10);
    }
  });

  it('uses the statuses of the provider contract', () => {
    const statuses = Object.fromEntries(errorCodes.map((code) => [code, errorRegistry[code].status]));
    expect(statuses).toMatchObject({
      VALIDATION_ERROR: 400, CURRENCY_MISMATCH: 400, INVALID_SIGNATURE: 401, PLAYER_BLOCKED: 403,
      PLAYER_NOT_FOUND: 404, ROUND_NOT_FOUND: 404, BET_NOT_FOUND: 404,
      DUPLICATE_TRANSACTION: 409, TRANSACTION_ROLLED_BACK: 409, ALREADY_SETTLED: 409,
      INSUFFICIENT_FUNDS: 422, MAX_BET_EXCEEDED: 422, RATE_LIMITED: 429, INTERNAL_ERROR: 500, UNAVAILABLE: 503,
    });
  });

  it('is documented in docs/errors.md, every code with its status', async () => {
    const doc = await readFile(errorsDocPath, 'utf8');
    expect(doc).toBe(renderErrorsDoc());
    for (const code of errorCodes) expect(doc).toContain(`| \`${code}\` | ${errorRegistry[code].status} |`);
  });
});
