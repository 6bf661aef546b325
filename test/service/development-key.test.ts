// Goal: a newcomer's development key survives a restart, is readable by its owner only, and a
// server on it is reachable from this machine only unless HOST says otherwise; configured keys
// behave as before (all interfaces). Method: operatorKeysFromEnvironment with a key file in a
// temporary folder, listenHost's choices, then the real service (src/main.ts, what `npm start`
// runs) started twice on the same folder without CROUPIER_OPERATOR_KEYS or HOST.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { developmentKeyFileName, operatorKeysFromEnvironment } from '../../src/api/operator/operator-keys.js';
import { listenHost } from '../../src/service.js';
import { exitWithin, listeningAt, logLines, startMain, waitFor, type MainProcess } from '../support/main-process.js';

const folders: string[] = [];
const started: MainProcess[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'croupier-dev-key-'));
  folders.push(folder);
  return folder;
}
const modeOf = (file: string): number => statSync(file).mode & 0o777;

describe('the development key file', () => {
  it('is made once with mode 0600 and read back on the next start', () => {
    const file = join(freshFolder(), 'data', developmentKeyFileName);
    const first = operatorKeysFromEnvironment(undefined, 'development', file);
    expect(first.generated).toMatch(/^dev_[A-Za-z0-9_-]{32}$/);
    expect(first.generatedFile).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(`${first.generated}\n`);
    expect(modeOf(file)).toBe(0o600);
    expect(operatorKeysFromEnvironment(undefined, undefined, file)).toEqual(first);
  });

  it('is narrowed to 0600 when found wider, refused when it holds no key, and unused with configured keys', () => {
    const file = join(freshFolder(), developmentKeyFileName);
    const key = `dev_${'a'.repeat(32)}`;
    writeFileSync(file, `${key}\n`);
    chmodSync(file, 0o644);
    expect(operatorKeysFromEnvironment('', 'development', file).generated).toBe(key);
    expect(modeOf(file)).toBe(0o600);
    expect(operatorKeysFromEnvironment('configured-key-0123456789', 'development', file)).toEqual({ keys: ['configured-key-0123456789'], generated: null, generatedFile: null });
    writeFileSync(file, 'not a key\n');
    expect(() => operatorKeysFromEnvironment(undefined, 'development', file)).toThrow(/does not hold a development operator key/);
    expect(() => operatorKeysFromEnvironment(undefined, 'production', file)).toThrow(/refusing to start in production/);
  });
});

describe('listenHost', () => {
  it('takes HOST when set; otherwise 127.0.0.1 with the development key and 0.0.0.0 with configured keys', () => {
    const development = { keys: ['dev'], generated: 'dev', generatedFile: null };
    const configured = { keys: ['configured-key-0123456789'], generated: null, generatedFile: null };
    expect(listenHost(undefined, development)).toBe('127.0.0.1');
    expect(listenHost(undefined, configured)).toBe('0.0.0.0');
    expect(listenHost('0.0.0.0', development)).toBe('0.0.0.0');
    expect(listenHost('10.1.2.3', configured)).toBe('10.1.2.3');
  });
});

async function startAndReadKey(dataDir: string): Promise<{ server: MainProcess; address: string; key: string }> {
  const server = startMain(dataDir, { NODE_ENV: 'development' });
  started.push(server);
  const address = await waitFor(() => listeningAt(server), 60_000, server.output);
  const warning = await waitFor(() => logLines(server.output()).find((line) => typeof line.operatorKey === 'string'), 10_000, server.output);
  return { server, address, key: String(warning.operatorKey) };
}

describe('the service without CROUPIER_OPERATOR_KEYS or HOST', () => {
  it('listens on 127.0.0.1 only and keeps its development key across a restart', async () => {
    const dataDir = freshFolder();
    const first = await startAndReadKey(dataDir);
    expect(first.server.output()).not.toMatch(/Server listening at http:\/\/(?!127\.0\.0\.1)/);
    const file = join(dataDir, developmentKeyFileName);
    expect(readFileSync(file, 'utf8')).toBe(`${first.key}\n`);
    expect(modeOf(file)).toBe(0o600);
    expect((await fetch(`${first.address}/v1/providers`, { headers: { authorization: `Bearer ${first.key}` } })).status).toBe(200);
    first.server.kill('SIGTERM');
    expect(await exitWithin(first.server, 30_000)).toBe(0);

    const second = await startAndReadKey(dataDir);
    expect(second.key, 'the restart uses the key of the first run').toBe(first.key);
    expect((await fetch(`${second.address}/v1/providers`, { headers: { authorization: `Bearer ${first.key}` } })).status).toBe(200);
    second.server.kill('SIGTERM');
    expect(await exitWithin(second.server, 30_000)).toBe(0);
  });
});
