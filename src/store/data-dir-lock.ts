import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The file in a PGlite data folder that names the process using the folder. */
export const lockFileName = 'croupier.lock';

/** Another live process holds the data folder. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `data folder ${dataDir} is in use by process ${pid} (lock file ${join(dataDir, lockFileName)}): stop that process first; ` +
        'if no process uses the folder, remove the lock file',
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

/** Folders this process holds: a second open in the same process is refused like another process's. */
const heldHere = new Set<string>();

/** Two processes could find the same stale lock; each round either wins, loses to a live owner, or tries again. */
const claimAttemptsMax = 5;

/**
 * Claims a PGlite data folder for this process. PGlite is one process per folder (a second one
 * aborts inside its WebAssembly runtime with `RuntimeError: Aborted()` or, worse, writes beside
 * the first), so the server and `verify-ledger` take this lock before opening it. The lock file
 * holds the owner's pid. A lock whose process is gone — a killed server — is stale and taken
 * over; so is one naming this very pid that this process does not hold (a restarted container
 * reuses its pids). Only the processes of this host are seen: a folder shared between hosts or
 * containers is not protected.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const folder = resolve(dataDir);
  if (heldHere.has(folder)) throw new DataDirInUseError(dataDir, process.pid);
  const path = join(folder, lockFileName);
  for (let attempt = 0; attempt < claimAttemptsMax; attempt += 1) {
    if (tryCreate(path)) {
      heldHere.add(folder);
      return { release: () => release(folder, path) };
    }
    const owner = ownerOf(path);
    if (owner === null) continue; // released meanwhile
    if (owner !== process.pid && isAlive(owner)) throw new DataDirInUseError(dataDir, owner);
    removeStale(path, owner);
  }
  throw new Error(`could not claim ${path} in ${claimAttemptsMax} attempts: other processes keep taking it over; remove it if none of them runs`);
}

/** Creates the lock file with its content in one step: written aside, then hard-linked (fails if the lock exists). */
function tryCreate(path: string): boolean {
  const aside = `${path}.${process.pid}.new`;
  writeFileSync(aside, `${process.pid}\n`, { mode: 0o644 });
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(aside);
  }
}

/** The pid a lock file names; null when it is gone. A file without a pid is treated as a dead owner's. */
function ownerOf(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return null;
    throw error;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return codeOf(error) === 'EPERM';
  }
}

/**
 * Moves a stale lock away with an atomic rename, then checks that what moved is the stale lock:
 * if another process replaced it meanwhile, its fresh lock is linked back (unless yet another
 * took the name) and the caller looks again.
 */
function removeStale(path: string, staleOwner: number): void {
  const moved = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, moved);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
    throw error;
  }
  try {
    if (ownerOf(moved) !== staleOwner) linkBack(moved, path);
  } finally {
    unlinkSync(moved);
  }
}

function linkBack(moved: string, path: string): void {
  try {
    linkSync(moved, path);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
  }
}

function release(folder: string, path: string): void {
  if (!heldHere.delete(folder)) return;
  if (ownerOf(path) !== process.pid) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error;
  }
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
