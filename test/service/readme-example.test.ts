// Goal: the README's first example works as written: it starts the server in the background,
// shows the provider secret it set, registers and funds a player, signs one real bet with
// openssl and gets it accepted, then stops the server. Method: the shell block that follows the
// marker comment in README.md is run with bash from the repository root, changed only in its
// port (a free one instead of 8080), and its output is checked: the secret, the player, the
// deposit and the bet's answer with the balance after it; the script must end with the server
// drained and stopped (it waits for it) and nothing it started left running.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, waitFor } from '../support/main-process.js';

const readmeMarker = '<!-- test/service/readme-example.test.ts runs the next block -->';

function exampleBlock(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const at = readme.indexOf(readmeMarker);
  expect(at, 'README.md has the marked example').toBeGreaterThanOrEqual(0);
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(at));
  if (block?.[1] === undefined) throw new Error('no ```bash block after the marker');
  return block[1];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('the README example', () => {
  it('starts the server, signs a bet with openssl, gets it accepted and stops the server', async () => {
    const block = exampleBlock();
    expect(block).toContain('PORT=8080');
    const port = await freePort();
    const script = block.replaceAll('PORT=8080', `PORT=${port}`);
    // mktemp makes the example's folders in here, so that they go whatever happens.
    const scratch = mkdtempSync(join(tmpdir(), 'croupier-readme-'));
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratch };
    for (const name of ['CROUPIER_OPERATOR_KEYS', 'CROUPIER_PROVIDERS', 'CROUPIER_DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'HOST', 'PORT', 'LOG_LEVEL']) delete env[name];
    // Its own process group, so that a failure can stop everything it started.
    const shell = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    shell.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    shell.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => shell.once('exit', (code) => resolve(code)));
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 100_000));
    const code = await Promise.race([exited, timeout]);
    try {
      expect(code, output).toBe(0);
      expect(output).toMatch(/provider acme, secret [0-9a-f]{48}/);
      expect(output).toContain('"player_id":"p-1"');
      expect(output).toMatch(/"transaction_id":"dep-1".*"cash":"10000"/);
      expect(output).toMatch(/"transaction_id":"bet-1","balance":\{"cash":"9750","bonus":"0","total":"9750"\}/);
      expect(output).not.toContain('"error"');
      // `kill` reached the server through npm (the start script execs node), which drained and stopped.
      const log = readdirSync(scratch).find((name) => name.endsWith('.log'));
      expect(log).toBeDefined();
      expect(readFileSync(join(scratch, String(log)), 'utf8')).toContain('"msg":"stopped"');
      // tsx's esbuild helper leaves once the server has gone; give it a moment.
      await waitFor(() => (groupAlive(shell.pid) ? undefined : true), 5_000, () => 'something the example started still runs');
    } finally {
      stopGroup(shell.pid);
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

/** Whatever the example left running (nothing, when it passed). */
function stopGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}

function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
