import { connect as connectTcp, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** A frame the stream sent, parsed. */
export interface StreamMessage {
  readonly type: string;
  readonly player_id?: string;
  readonly partition?: number;
  /** A decimal string, as in docs/events.md. */
  readonly sequence?: string | null;
  readonly id?: string;
  readonly time?: string;
  readonly payload?: Record<string, unknown>;
}

export interface StreamClient {
  readonly socket: WebSocket;
  readonly messages: StreamMessage[];
  /** Events only (no stream.* frames). */
  events(): StreamMessage[];
  /** Resolves once a message satisfies `test`; rejects after `timeoutMs`. */
  waitFor(test: (messages: StreamMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Opens `GET /v1/stream` with ws and records every frame; rejects with the refusal when the upgrade is refused. */
export function openStream(baseUrl: string, query: string, headers: Record<string, string> = {}): Promise<StreamClient> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/v1/stream${query}`, { headers });
  const messages: StreamMessage[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as StreamMessage));
  const client: StreamClient = {
    socket,
    messages,
    events: () => messages.filter((message) => !message.type.startsWith('stream.')),
    waitFor: async (test, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!test(messages)) {
        if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(messages.slice(-3))}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    closed,
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => reject(new StreamRefused(response.statusCode ?? 0, body)));
    });
    socket.once('error', reject);
  });
}

/** The HTTP answer to a refused upgrade. */
export class StreamRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`stream refused ${status}: ${body}`);
  }
}

/**
 * A WebSocket client that completes the handshake over a raw TCP socket and then never reads
 * again: it answers no ping and lets the server's writes pile up, like a stuck browser tab.
 */
export async function openSilentStream(baseUrl: string, query: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connectTcp({ host: hostname, port: Number(port) });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const key = randomBytes(16).toString('base64');
  socket.write(`GET /v1/stream${query} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`);
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(head.split('\r\n')[0]));
    };
    socket.on('data', onData);
  });
  // From here on nothing is read: the kernel buffers fill, then the server's.
  socket.pause();
  socket.on('error', () => undefined);
  return socket;
}
