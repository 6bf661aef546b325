import { closeSync, fdatasyncSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** Told of each sync the store makes: the file's path, and whether it was a folder's. */
export type SyncListener = (path: string, folder: boolean) => void;

/**
 * PGlite's start parameters with PostgreSQL's own durability back on. PGlite starts PostgreSQL
 * with `-F` (fsync off): a commit is acknowledged once its WAL record is written (pwrite), not
 * once it is on the disk, so a host crash or power loss could lose acknowledged money. Without
 * `-F`, PostgreSQL syncs the WAL before it answers a commit — once per commit, and the engine
 * commits a whole batch in one statement, so once per batch — and syncs data files at each
 * checkpoint before it lets the WAL they came from go. `wal_sync_method=fsync` because
 * Emscripten's `fdatasync` (the Linux default) is a stub that never reaches any file system,
 * while its `fsync` asks the file system's stream operations, where DurableNodeFS answers.
 */
export const durableStartParams: readonly string[] = [
  ...PGlite.defaultStartParams.filter((parameter) => parameter !== '-F'),
  '-c',
  'fsync=on',
  '-c',
  'wal_sync_method=fsync',
];

/** What of Emscripten's NODEFS this file uses (its stream operations are shared by every open file). */
interface EmscriptenNodeFs {
  readonly stream_ops: { fsync?: (stream: EmscriptenStream) => number };
  realPath(node: EmscriptenStream['node']): string;
  tryFSOperation<T>(operation: () => T): T;
}

interface EmscriptenStream {
  readonly nfd?: number;
  readonly node: { readonly mode: number };
}

interface EmscriptenModuleParts {
  readonly NODEFS: EmscriptenNodeFs;
  readonly FS: { isDir(mode: number): boolean };
}

/**
 * PGlite's Node file system with `fsync` that reaches the disk. Emscripten's NODEFS has no
 * `fsync` stream operation, so PostgreSQL's fsync calls (once it is started with fsync on, see
 * durableStartParams) return success without doing anything. This adds one: `fdatasync(2)` on
 * the real file — the data and the size a reader needs, which is what PostgreSQL asks of a WAL
 * or data file — and `fsync(2)` on a folder, whose entries are its data. A failure becomes the
 * errno PostgreSQL sees, and PostgreSQL stops rather than carry on past a failed sync.
 */
export class DurableNodeFS extends NodeFS {
  constructor(
    dataDir: string,
    private readonly onSync: SyncListener | undefined,
  ) {
    super(dataDir);
  }

  override async init(pg: Parameters<NodeFS['init']>[0], options: Parameters<NodeFS['init']>[1]): ReturnType<NodeFS['init']> {
    const { emscriptenOpts } = await super.init(pg, options);
    const onSync = this.onSync;
    const addSync = (module: unknown): void => routeFsyncToDisk(module as EmscriptenModuleParts, onSync);
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), addSync] } };
  }
}

function routeFsyncToDisk(module: EmscriptenModuleParts, onSync: SyncListener | undefined): void {
  const nodeFs = module.NODEFS;
  nodeFs.stream_ops.fsync = (stream) =>
    nodeFs.tryFSOperation(() => {
      if (stream.nfd === undefined) throw Object.assign(new Error('fsync of a stream without a file'), { code: 'EBADF' });
      const folder = module.FS.isDir(stream.node.mode);
      if (folder) fsyncSync(stream.nfd);
      else fdatasyncSync(stream.nfd);
      onSync?.(nodeFs.realPath(stream.node), folder);
      return 0;
    });
}

/**
 * Syncs every file and folder of a freshly created store, and the folder that holds it. PGlite
 * builds a new store in memory and copies it into the folder without a sync; PostgreSQL syncs
 * only what it writes itself afterwards.
 */
export function syncTree(root: string, onSync?: SyncListener): void {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) syncTree(path, onSync);
    else if (entry.isFile()) syncPath(path, false, onSync);
  }
  syncPath(root, true, onSync);
}

export function syncPath(path: string, folder: boolean, onSync?: SyncListener): void {
  const descriptor = openSync(path, 'r');
  try {
    if (folder) fsyncSync(descriptor);
    else fdatasyncSync(descriptor);
    onSync?.(path, folder);
  } finally {
    closeSync(descriptor);
  }
}

