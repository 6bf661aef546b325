// Goal: the operator API is never open by accident. Without CROUPIER_OPERATOR_KEYS a development
// run gets a generated key (printed once, with a warning) that works, and production refuses to
// start. Method: unit checks of operatorKeysFromEnvironment and friends, then the real service
// as `npm start` runs it (node --import tsx src/main.ts) on a temporary PGlite folder and a free
// port, reading its JSON log.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keyFingerprint, matchKey, operatorKeysFromEnvironment } from '../../src/api/operator/operator-keys.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('operatorKeysFromEnvironment', () => {
  it('uses the configured keys, trimmed, and generates nothing', () => {
    const keys = operatorKeysFromEnvironment(' first-key-0123456789 ,second-key-0123456789,', 'production');
    expect(keys).toEqual({ keys: ['first-key-0123456789', 'second-key-0123456789'], generated: null, generatedFile: null });
  });

  it('generates a fresh development key when none is set (unset, empty or only commas)', () => {
    for (const text of [undefined, '', ' , ']) {
      const keys = operatorKeysFromEnvironment(text, 'development');
      expect(keys.generated).toMatch(/^dev_[A-Za-z0-9_-]{32}$/);
      expect(keys.keys).toEqual([keys.generated]);
    }
    expect(operatorKeysFromEnvironment(undefined, undefined).generated).not.toBe(operatorKeysFromEnvironment(undefined, undefined).generated);
  });

  it('refuses to run in production without keys', () => {
    expect(() => operatorKeysFromEnvironment(undefined, 'production')).toThrow(/CROUPIER_OPERATOR_KEYS is not set.*production/);
    expect(() => operatorKeysFromEnvironment(' ', 'production')).toThrow(/CROUPIER_OPERATOR_KEYS/);
  });

  it('refuses keys shorter than 16 characters', () => {
    expect(() => operatorKeysFromEnvironment('short', 'development')).toThrow(/at least 16 characters/);
  });

  it('matches a presented key exactly and names keys by a fingerprint that does not reveal them', () => {
    const keys = ['first-key-0123456789', 'second-key-0123456789'];
    expect(matchKey(keys, 'second-key-0123456789')).toBe('second-key-0123456789');
    expect(matchKey(keys, 'second-key-012345678')).toBeNull();
    expect(matchKey(keys, '')).toBeNull();
    const fingerprint = keyFingerprint('first-key-0123456789');
    expect(fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(fingerprint).toBe(keyFingerprint('first-key-0123456789'));
    expect(fingerprint).not.toBe(keyFingerprint('second-key-0123456789'));
  });
});

interface Child {
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** `npm start` without the npm: src/main.ts on a free port of 127.0.0.1 and its own PGlite folder. */
function startMain(dataDir: string, env: Record<string, string>): Child {
  const base = { ...process.env };
  for (const name of ['CROUPIER_OPERATOR_KEYS', 'CROUPIER_PROVIDERS', 'REDIS_URL', 'NODE_ENV', 'LOG_LEVEL']) delete base[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...base, PORT: '0', HOST: '127.0.0.1', CROUPIER_DATA_DIR: dataDir, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { output: () => output, exited, kill: (signal) => child.kill(signal) };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the service started without CROUPIER_OPERATOR_KEYS', () => {
  it('prints a generated development key once, with a warning, and that key works', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'croupier-keys-'));
    const child = startMain(dataDir, { NODE_ENV: 'development' });
    try {
      const address = await waitFor(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(child.output())?.[1], 60_000, child.output);
      const warning = await waitFor(() => logLines(child.output()).find((line) => typeof line.operatorKey === 'string'), 10_000, child.output);
      expect(warning.level).toBe(40); // pino's warn
      expect(String(warning.msg)).toContain('CROUPIER_OPERATOR_KEYS is not set');
      const key = String(warning.operatorKey);
      expect(key).toMatch(/^dev_/);

      const authorised = await fetch(`${address}/v1/providers`, { headers: { authorization: `Bearer ${key}` } });
      expect(authorised.status).toBe(200);
      expect(await authorised.json()).toEqual({ items: [] });
      const wrong = await fetch(`${address}/v1/providers`, { headers: { authorization: `Bearer ${key}x` } });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');

      child.kill('SIGTERM');
      expect(await child.exited).toBe(0);
      // Printed exactly once: the requests that used it did not log it again.
      expect(child.output().split(key).length - 1).toBe(1);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start in production: exits non-zero and says why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'croupier-keys-'));
    const child = startMain(dataDir, { NODE_ENV: 'production' });
    try {
      const code = await Promise.race([child.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000))]);
      expect(code).not.toBe('timeout');
      expect(code).not.toBe(0);
      expect(child.output()).toMatch(/CROUPIER_OPERATOR_KEYS is not set: refusing to start in production/);
      expect(child.output()).not.toContain('Server listening');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
