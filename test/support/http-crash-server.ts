import { roomyMoneyLimitsEnvironment } from './roomy-limits.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

/**
 * Helpers of test/http-crash.test.ts: the real service (`node --import tsx src/main.ts`) as a
 * child process, and a keep-alive HTTP client that signs provider calls the way docs/architecture.md §5
 * says (written here independently of src/api/provider/signature.ts, so the test checks the contract).
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:PORT, read from the service's own log line. */
  readonly url: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  /** The last lines of stdout and stderr, for failure messages. */
  output(): string;
  isRunning(): boolean;
}

/**
 * Starts the service with `env` on top of this process' environment (PORT=0, HOST=127.0.0.1)
 * and resolves once its log says where it listens. Rejects if it exits or is not listening
 * within `startMs`. Its stdout is drained for as long as it runs (a full pipe would block it).
 */
export function startService(env: Record<string, string>, startMs: number): Promise<ServiceProcess> {
  const inherited = { ...process.env };
  // The service must not pick up a shared rate-limit store or a schema meant for something else.
  delete inherited.REDIS_URL;
  delete inherited.CROUPIER_DB_SCHEMA;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', ...roomyMoneyLimitsEnvironment, ...env },
  });
  let tail = '';
  const keep = (text: string): void => {
    tail = (tail + text).slice(-16_000);
  };
  let exitStatus: Exit | null = null;
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      exitStatus = { code, signal };
      resolve(exitStatus);
    });
    child.once('error', (error) => {
      keep(`spawn error: ${String(error)}\n`);
      exitStatus = { code: null, signal: null };
      resolve(exitStatus);
    });
  });
  return new Promise<ServiceProcess>((resolve, reject) => {
    let pending = '';
    let url: string | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not log "Server listening" within ${startMs} ms:\n${tail}`));
    }, startMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      keep(chunk);
      if (url !== null) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = listening.exec(line);
        if (match?.[1] === undefined) continue;
        url = match[1];
        clearTimeout(timer);
        resolve({
          child,
          url,
          exited,
          output: () => tail,
          isRunning: () => exitStatus === null,
        });
        return;
      }
    });
    child.stderr?.setEncoding('utf8').on('data', keep);
    void exited.then((status) => {
      if (url !== null) return;
      clearTimeout(timer);
      reject(new Error(`the service exited before listening (${JSON.stringify(status)}):\n${tail}`));
    });
  });
}

/** Waits for the exit, or rejects after `ms`. */
export function exitWithin(service: ServiceProcess, ms: number): Promise<Exit> {
  return new Promise<Exit>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pid ${service.child.pid} did not exit within ${ms} ms`)), ms);
    void service.exited.then((status) => {
      clearTimeout(timer);
      resolve(status);
    });
  });
}

/** SIGTERM (the service drains), then SIGKILL if it has not exited after `ms`. */
export async function stopService(service: ServiceProcess | null, ms: number): Promise<void> {
  if (service === null || !service.isRunning()) return;
  service.child.kill('SIGTERM');
  try {
    await exitWithin(service, ms);
  } catch {
    service.child.kill('SIGKILL');
    await exitWithin(service, ms).catch(() => undefined);
  }
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** hex HMAC-SHA256(secret, timestamp + "." + raw body). */
export function signature(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** One keep-alive connection pool to the service, signing provider calls and authorising operator calls. */
export class ServiceClient {
  readonly pool: Pool;

  constructor(
    url: string,
    connections: number,
    private readonly provider: { readonly id: string; readonly secret: string },
    private readonly operatorKey: string,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1, headersTimeout: 15_000, bodyTimeout: 15_000, connectTimeout: 5_000 });
  }

  /** POST /v1/provider/{kind} with exactly `rawBody`, signed now. */
  provide(kind: 'balance' | 'bet' | 'win' | 'rollback', rawBody: string): Promise<Reply> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return this.send('POST', `/v1/provider/${kind}`, rawBody, {
      'x-provider-id': this.provider.id,
      'x-timestamp': timestamp,
      'x-signature': signature(this.provider.secret, timestamp, rawBody),
    });
  }

  operator(method: 'GET' | 'POST', path: string, body?: object): Promise<Reply> {
    return this.send(method, path, body === undefined ? undefined : JSON.stringify(body), { authorization: `Bearer ${this.operatorKey}` });
  }

  private async send(method: 'GET' | 'POST', path: string, rawBody: string | undefined, headers: Record<string, string>): Promise<Reply> {
    const response = await this.pool.request({
      method,
      path,
      headers: rawBody === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(rawBody === undefined ? {} : { body: rawBody }),
    });
    const text = await response.body.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the failure message
    }
    return { status: response.statusCode, body };
  }

  async close(): Promise<void> {
    await this.pool.destroy().catch(() => undefined);
  }
}
