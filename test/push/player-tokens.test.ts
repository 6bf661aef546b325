// Goal: the player token secret is chosen as README "Live push" says: configured (32+ characters),
// or a development secret kept 0600 in the data folder and read back on the next start; never
// generated in production. Tokens carry the player and expiry, and other secrets' are refused.
// Method: tokenSecretFromEnvironment with a file in a temporary folder; PlayerTokens with a clock.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { developmentTokenSecretFileName, PlayerTokens, tokenSecretFromEnvironment, tokenTtlSecondsMax } from '../../src/push/player-tokens.js';

const folder = mkdtempSync(join(tmpdir(), 'croupier-token-secret-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the player token secret', () => {
  it('is the configured one, at least 32 characters', () => {
    expect(tokenSecretFromEnvironment('x'.repeat(32), 'production')).toEqual({ secret: 'x'.repeat(32), generatedFile: null, generated: false });
    expect(() => tokenSecretFromEnvironment('short', undefined)).toThrow(/at least 32/);
  });

  it('is refused unset in production, and otherwise made once and kept 0600 in the data folder', () => {
    expect(() => tokenSecretFromEnvironment(undefined, 'production', join(folder, developmentTokenSecretFileName))).toThrow(/production/);
    const file = join(folder, 'data', developmentTokenSecretFileName);
    const first = tokenSecretFromEnvironment(undefined, 'development', file);
    expect(first).toMatchObject({ generated: true, generatedFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(tokenSecretFromEnvironment('', undefined, file)).toEqual(first);
    expect(tokenSecretFromEnvironment(undefined, undefined).secret).not.toBe(first.secret);
  });
});

describe('PlayerTokens', () => {
  it('verifies its own tokens until they expire, and refuses other secrets and bounds', async () => {
    let nowMs = Date.parse('2026-12-01T12:00:00Z');
    const tokens = new PlayerTokens('s'.repeat(40), () => nowMs);
    const issued = await tokens.issue('p-1', 60);
    expect(issued.expiresAtMs).toBe(nowMs + 60_000);
    expect(await tokens.verify(issued.token)).toEqual({ playerId: 'p-1', expiresAtMs: issued.expiresAtMs });
    expect(await new PlayerTokens('t'.repeat(40), () => nowMs).verify(issued.token)).toBe('invalid');
    expect(await tokens.verify(undefined)).toBe('missing');
    expect(await tokens.verify('abc')).toBe('invalid');
    nowMs += 61_000;
    expect(await tokens.verify(issued.token)).toBe('expired');
    await expect(tokens.issue('p-1', tokenTtlSecondsMax + 1)).rejects.toThrow(/invariant/);
  });
});
