// Goal: one process per PGlite data folder; a lock left by a process that is gone does not stop
// the next start. Method: lockDataDir on temporary folders whose lock file names this process, a
// live child process, an exited child process, or nothing readable.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir, lockFileName } from '../../src/store/data-dir-lock.js';

const folders: string[] = [];
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'croupier-lock-'));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const lockOf = (folder: string): string => readFileSync(join(folder, lockFileName), 'utf8');

describe('lockDataDir', () => {
  it('writes this pid, refuses a second claim in the same process, and removes the file on release', () => {
    const folder = freshFolder();
    const lock = lockDataDir(folder);
    expect(lockOf(folder)).toBe(`${process.pid}\n`);
    expect(() => lockDataDir(folder)).toThrow(DataDirInUseError);
    lock.release();
    expect(existsSync(join(folder, lockFileName))).toBe(false);
    lockDataDir(folder).release();
  });

  it('refuses a folder whose lock names a live process, and says which', () => {
    const folder = freshFolder();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 60_000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(folder, lockFileName), `${other.pid}\n`);
      expect(() => lockDataDir(folder)).toThrow(new RegExp(`data folder .* is in use by process ${other.pid} \\(lock file .*${lockFileName}\\)`));
      expect(lockOf(folder)).toBe(`${other.pid}\n`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that is gone, an unreadable lock, and one naming this pid from an earlier life', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const content of [`${gone}\n`, 'garbage', '', `${process.pid}\n`]) {
      const folder = freshFolder();
      writeFileSync(join(folder, lockFileName), content);
      const lock = lockDataDir(folder);
      expect(lockOf(folder), `taken over from ${JSON.stringify(content)}`).toBe(`${process.pid}\n`);
      lock.release();
    }
  });
});
