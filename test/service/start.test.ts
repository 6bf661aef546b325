// Goal: `npm start` runs the whole service on the embedded store and stops gracefully.
// Method: spawn src/main.ts (what `npm start` runs) on a fresh PGlite folder and a free port,
// read the listening address from its JSON log, query /health and /ready, then SIGTERM it and
// expect a clean exit after draining.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the service', () => {
  it('serves /health and /ready on the embedded store and drains on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'croupier-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', CROUPIER_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      const address = await waitFor(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1], 60_000, () => log);
      expect(await (await fetch(`${address}/health`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${address}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', engine: true, store: true, bus: { kind: 'embedded', connected: true, problem: null, backlog: 0 } });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toContain('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
