/**
 * Scratch schemas and folders still to remove, also when the run is interrupted: on the first
 * SIGINT or SIGTERM every pending cleanup runs, then the process exits 130; a second signal exits
 * at once.
 */
export class ScratchCleanups {
  private readonly pending = new Set<() => Promise<void>>();
  private stopping = false;

  /** True once a signal arrived: errors after it are the interruption's, not worth printing. */
  get interrupted(): boolean {
    return this.stopping;
  }

  installSignalHandlers(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (this.stopping) process.exit(130);
        this.stopping = true;
        console.error(`\n${signal}: removing scratch schemas and folders ...`);
        void Promise.allSettled([...this.pending].map((cleanup) => cleanup())).then(() => process.exit(130));
      });
    }
  }

  /** Runs `body`, then `cleanup`, which a signal in between runs instead. */
  async around<T>(cleanup: () => Promise<void>, body: () => Promise<T>): Promise<T> {
    this.pending.add(cleanup);
    try {
      return await body();
    } finally {
      this.pending.delete(cleanup);
      await cleanup();
    }
  }
}
