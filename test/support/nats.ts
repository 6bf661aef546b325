import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { streamNames } from '../../src/stream/stream-settings.js';

export const natsUrl = process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

async function reachable(): Promise<boolean> {
  try {
    const connection = await connect({ servers: natsUrl, timeout: 3_000, maxReconnectAttempts: 0 });
    try {
      await (await jetstreamManager(connection)).getAccountInfo();
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/**
 * Whether the NATS JetStream tests run. In CI they are mandatory: a missing server fails the run.
 * Elsewhere they are skipped with one loud line.
 */
export async function requireNats(suite: string): Promise<boolean> {
  if (await reachable()) return true;
  if (inCi) throw new Error(`CI=true and NATS JetStream is not reachable at ${natsUrl}: "${suite}" cannot be skipped`);
  console.warn(`!!! SKIPPING "${suite}": no NATS JetStream at ${natsUrl} (set TEST_NATS_URL) !!!`);
  return false;
}

let prefixCounter = 0;

/** A subject prefix (and so stream names) of its own for each test: suites on one server never meet. */
export function freshStreamPrefix(label: string): string {
  prefixCounter += 1;
  return `t${label}${process.pid}${Date.now().toString(36)}${prefixCounter}`;
}

export function openNats(): Promise<NatsConnection> {
  return connect({ servers: natsUrl });
}

/** Deletes the bet stream's three streams of `prefix` (their consumers go with them). */
export async function deleteStreams(prefix: string): Promise<void> {
  const connection = await openNats();
  try {
    const manager = await jetstreamManager(connection);
    const names = streamNames(prefix);
    for (const name of [names.commandsStream, names.outcomesStream, names.deadLetterStream]) await manager.streams.delete(name).catch(() => false);
  } finally {
    await connection.close();
  }
}

/** How many messages a stream holds now. */
export async function streamMessages(connection: NatsConnection, stream: string): Promise<number> {
  const info = await (await jetstreamManager(connection)).streams.info(stream);
  return info.state.messages;
}
