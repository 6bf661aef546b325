// Goal: a PGlite data folder serves one process at a time, and says so. A second `npm start` on
// a folder in use exits non-zero naming the process that holds it (it used to abort inside
// PGlite with "RuntimeError: Aborted()"); `verify-ledger` on that folder says it is in use, and
// on a folder without a store fails instead of creating an empty store it calls balanced; a
// folder left by a killed server starts again.
// Method: real processes. src/main.ts (what `npm start` runs) on a temporary folder, a second
// one on the same folder, src/cli/verify-ledger.ts (what `npm run verify-ledger` runs) beside
// them and after them, then SIGKILL and a restart that takes over the dead process's lock.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockFileName } from '../../src/store/data-dir-lock.js';
import { exitWithin, listeningAt, root, startMain, waitFor, type MainProcess } from '../support/main-process.js';

const started: MainProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'croupier-in-use-'));
  folders.push(folder);
  return folder;
}

function start(dataDir: string): MainProcess {
  const server = startMain(dataDir, { CROUPIER_OPERATOR_KEYS: 'in-use-test-operator-key-0123456789', HOST: '127.0.0.1' });
  started.push(server);
  return server;
}

function verifyLedger(dataDir: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/verify-ledger.ts', '--data-dir', dataDir], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
    timeout: 60_000,
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('a data folder in use', () => {
  it('refuses a second server and verify-ledger, naming the process; both work again once it stopped', async () => {
    const folder = freshFolder();
    const first = start(folder);
    await waitFor(() => listeningAt(first), 60_000, first.output);
    expect(readFileSync(join(folder, lockFileName), 'utf8')).toBe(`${first.pid}\n`);

    const second = start(folder);
    const code = await exitWithin(second, 60_000);
    expect(code, second.output()).not.toBe('timeout');
    expect(code).not.toBe(0);
    expect(second.output()).toContain(`croupier did not start: data folder ${folder} is in use by process ${first.pid}`);
    expect(second.output()).not.toContain('Aborted');

    const checked = verifyLedger(folder);
    expect(checked.status, checked.output).toBe(2);
    expect(checked.output).toContain(`is in use by process ${first.pid}`);
    expect(listeningAt(first), 'the first server still runs').toBeDefined();

    first.kill('SIGTERM');
    expect(await exitWithin(first, 30_000)).toBe(0);
    expect(existsSync(join(folder, lockFileName)), 'a clean stop removes the lock').toBe(false);
    const afterStop = verifyLedger(folder);
    expect(afterStop.status, afterStop.output).toBe(0);
    expect(afterStop.output).toMatch(/ledger balances: 0 transactions/);
  });

  it('starts again on the folder of a killed server, taking over its lock', async () => {
    const folder = freshFolder();
    const first = start(folder);
    await waitFor(() => listeningAt(first), 60_000, first.output);
    first.kill('SIGKILL');
    await first.exited;
    expect(readFileSync(join(folder, lockFileName), 'utf8'), 'the killed server left its lock').toBe(`${first.pid}\n`);

    const second = start(folder);
    await waitFor(() => listeningAt(second), 60_000, second.output);
    expect(readFileSync(join(folder, lockFileName), 'utf8')).toBe(`${second.pid}\n`);
    second.kill('SIGTERM');
    expect(await exitWithin(second, 30_000)).toBe(0);
  });
});

describe('verify-ledger on a folder without a store', () => {
  it('fails, says so, and creates nothing', () => {
    const missing = join(freshFolder(), 'no-such-folder');
    const checked = verifyLedger(missing);
    expect(checked.status, checked.output).toBe(2);
    expect(checked.output).toContain(`no PGlite store in ${missing}`);
    expect(checked.output).not.toContain('ledger balances');
    expect(existsSync(missing)).toBe(false);
  });

  it('fails the same when run as the issue ran it: npm run verify-ledger --data-dir <missing> (npm keeps the flag)', () => {
    const missing = join(freshFolder(), 'no-such-folder');
    const run = spawnSync('npm', ['run', 'verify-ledger', '--data-dir', missing], { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 });
    expect(run.status, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toContain(`no PGlite store in ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });
});
