// Goal: on the embedded store an acknowledged commit is on the disk — the WAL synced before the
// commit is answered — and the sync is paid once per batch, not once per command.
// Method: PostgreSQL's own settings (fsync on, WAL synced by fsync), then every sync counted
// through openPglite's onSync hook, which DurableNodeFS calls right after fdatasync(2)/fsync(2)
// returned: each awaited commit must have synced a WAL file; a batch of 300 commands through
// the engine syncs the WAL about once per batch. Last, the syscalls themselves: a child process
// makes acknowledged commits under strace, and the trace must show a data-sync of a pg_wal file
// between any two acknowledgements it prints (skipped, loudly, where strace is not installed or
// may not trace).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createCroupier } from '../../src/croupier.js';
import { openPglite } from '../../src/store/pglite-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const folders: string[] = [];

function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'croupier-durable-'));
  folders.push(folder);
  return folder;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Subscribers hear of a batch after its callers were answered. */
const subscribersHeard = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 100));

const isWal = (path: string): boolean => /[/\\]pg_wal[/\\][0-9A-F]{24}$/.test(path);

describe('the embedded store on a folder', () => {
  it('runs PostgreSQL with fsync on and syncs the WAL before each commit is answered', async () => {
    const walSyncs: string[] = [];
    const sql = await openPglite(freshFolder(), { onSync: (path) => (isWal(path) ? walSyncs.push(path) : undefined) });
    try {
      expect(await sql.query(`SELECT current_setting('fsync') AS fsync, current_setting('wal_sync_method') AS method`)).toEqual([{ fsync: 'on', method: 'fsync' }]);
      await sql.query('CREATE TABLE acknowledged (id integer PRIMARY KEY)');
      for (let id = 1; id <= 20; id += 1) {
        const before = walSyncs.length;
        await sql.query('INSERT INTO acknowledged VALUES ($1)', [id]);
        expect(walSyncs.length - before, `commit ${id} synced its WAL before it was answered`).toBeGreaterThanOrEqual(1);
      }
      const before = walSyncs.length;
      await sql.query('INSERT INTO acknowledged SELECT generate_series(1000, 5999)');
      expect(walSyncs.length - before, 'one statement of 5,000 rows is one commit: one WAL sync').toBe(1);
    } finally {
      await sql.close();
    }
  });

  it('syncs a freshly created store whole, and a store in memory never', async () => {
    const synced: string[] = [];
    const folder = freshFolder();
    const sql = await openPglite(folder, { onSync: (path) => synced.push(path) });
    await sql.close();
    expect(synced.some((path) => path.endsWith('PG_VERSION')), 'PGlite copies a new store in without a sync: it is synced once').toBe(true);
    expect(synced.some((path) => path.endsWith(join('global', 'pg_control')))).toBe(true);

    const inMemory: string[] = [];
    const memory = await openPglite(null, { onSync: (path) => inMemory.push(path) });
    await memory.query('CREATE TABLE t (id integer)');
    await memory.close();
    expect(inMemory, 'a store in memory (tests) has nothing to sync').toEqual([]);
  });

  it('pays the sync once per batch: 300 concurrent commands commit in a few batches with one WAL sync each', async () => {
    let walSyncs = 0;
    const client = await openPglite(freshFolder(), { onSync: (path) => (isWal(path) ? (walSyncs += 1) : undefined) });
    let batches = 0;
    const croupier = await createCroupier({ client, expirySweepMs: 0, subscribers: [{ name: 'batches', committed: () => void (batches += 1) }] });
    try {
      const players = Array.from({ length: 300 }, (_, index) => `p${index}`);
      await Promise.all(players.map((playerId) => croupier.execute({ kind: 'register', playerId, currency: 'EUR' })));
      await subscribersHeard();
      const [syncsBefore, batchesBefore] = [walSyncs, batches];
      const outcomes = await Promise.all(
        players.map((playerId) => croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}`, playerId, amount: '100' })),
      );
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      await subscribersHeard();
      const [syncs, committed] = [walSyncs - syncsBefore, batches - batchesBefore];
      expect(committed).toBeGreaterThanOrEqual(1);
      expect(committed, '300 commands were grouped into batches').toBeLessThan(30);
      expect(syncs, `${committed} batch(es), ${syncs} WAL sync(s)`).toBeGreaterThanOrEqual(committed);
      expect(syncs).toBeLessThanOrEqual(committed + 1);
    } finally {
      await croupier.close();
    }
  });
});

const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
const straceMissing = strace.error !== undefined || strace.status !== 0;
if (straceMissing) console.warn('SKIPPED: the strace check of fdatasync on the WAL (strace is not installed: apt-get install strace)');

describe.skipIf(straceMissing)('the embedded store under strace', () => {
  it('makes a data-sync of a WAL file before each commit is acknowledged', () => {
    const folder = freshFolder();
    const trace = join(folder, 'strace.txt');
    const commits = 21;
    const run = spawnSync(
      'strace',
      ['-f', '-y', '-o', trace, '-e', 'trace=fsync,fdatasync,write,writev', process.execPath, '--import', 'tsx', 'test/support/durable-commits-child.ts', join(folder, 'store'), String(commits)],
      { cwd: root, encoding: 'utf8', timeout: 110_000 },
    );
    if (run.status !== 0 && /ptrace|Operation not permitted/i.test(run.stderr)) {
      console.warn(`SKIPPED: strace may not trace here: ${run.stderr.trim().split('\n')[0]}`);
      return;
    }
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`acknowledged ${commits}`);
    // Walk the trace in order: between two acknowledgements there must be a WAL data-sync.
    let walSyncsSinceAnswer = 0;
    const acknowledged: number[] = [];
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      if (/fdatasync\(\d+<[^>]*\/pg_wal\/[0-9A-F]{24}>\)\s+= 0/.test(line)) walSyncsSinceAnswer += 1;
      const answer = /acknowledged (\d+)/.exec(line);
      if (answer === null) continue;
      expect(walSyncsSinceAnswer, `a WAL data-sync before "acknowledged ${answer[1]}"`).toBeGreaterThanOrEqual(1);
      acknowledged.push(Number(answer[1]));
      walSyncsSinceAnswer = 0;
    }
    expect(acknowledged).toEqual(Array.from({ length: commits }, (_, index) => index + 1));
  });
});
