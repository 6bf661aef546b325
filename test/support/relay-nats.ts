import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { EventEnvelope } from '../../src/bus/event-envelope.js';

/** NATS for the event relay's tests: the shared server, streams of a test's own, and servers a test stops and starts. */
export const natsUrl = process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/** Whether the NATS tests run. In CI they are mandatory: a missing server fails the run; elsewhere they are skipped loudly. */
export async function requireNats(suite: string): Promise<boolean> {
  try {
    const connection = await connect({ servers: natsUrl, timeout: 3_000, maxReconnectAttempts: 0 });
    try {
      await (await jetstreamManager(connection)).getAccountInfo();
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    if (inCi) throw new Error(`CI=true and NATS with JetStream is not reachable at ${natsUrl}: "${suite}" cannot be skipped`);
    console.warn(`!!! SKIPPING "${suite}": no NATS with JetStream at ${natsUrl} (set TEST_NATS_URL) !!!`);
    return false;
  }
}

let streamCounter = 0;

/** A stream name and subject prefix of the test's own, so suites on one server never see each other's messages. */
export function freshStream(prefix: string): { name: string; subjectPrefix: string } {
  streamCounter += 1;
  const tag = `${prefix}_${process.pid}_${Date.now().toString(36)}_${streamCounter}`;
  return { name: tag.toUpperCase(), subjectPrefix: `test.${tag}.events` };
}

export interface StoredEvent {
  readonly streamSequence: number;
  readonly msgId: string | undefined;
  readonly subject: string;
  readonly envelope: EventEnvelope;
}

/** Every message of a stream, in stream order. */
export async function readStream(url: string, stream: string): Promise<StoredEvent[]> {
  const connection = await connect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    const info = await manager.streams.info(stream);
    const stored: StoredEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
      const message = await manager.streams.getMessage(stream, { seq });
      if (message === null) continue;
      stored.push({ streamSequence: message.seq, msgId: message.header?.get('Nats-Msg-Id'), subject: message.subject, envelope: message.json<EventEnvelope>() });
    }
    return stored;
  } finally {
    await connection.close();
  }
}

export async function deleteStream(url: string, stream: string): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    await manager.streams.delete(stream).catch(() => false);
  } finally {
    await connection.close();
  }
}

/** A free loopback port, for a NATS server of the test's own. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A nats-server with JetStream on its own port and store folder, that a test stops and starts. */
export class NatsServerProcess {
  private child: ChildProcess | null = null;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'croupier-nats-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], { stdio: 'ignore' });
    this.child = child;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      try {
        const connection = await connect({ servers: this.url, timeout: 500, maxReconnectAttempts: 0 });
        await (await jetstreamManager(connection)).getAccountInfo();
        await connection.close();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`nats-server on port ${this.port} did not start`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
