import { eventStreamDefaults, type EventStreamSettings } from './bus-streams.js';
import { relayDefaults } from './event-relay.js';

/** The bus and relay settings read from the environment (README, "Configuration"). */
export interface BusConfig {
  /** NATS_URL: JetStream when set; otherwise the in-process bus. */
  readonly natsUrl: string | undefined;
  readonly stream: EventStreamSettings;
  /** CROUPIER_OUTBOX_RETENTION_MS: published outbox rows older than this are deleted. */
  readonly outboxRetentionMs: number;
  /** CROUPIER_BUS_PUBLISH_TIMEOUT_MS: how long a publish waits for JetStream's ack. */
  readonly publishTimeoutMs: number;
}

export const busConfigDefaults: BusConfig = {
  natsUrl: undefined,
  stream: eventStreamDefaults,
  outboxRetentionMs: relayDefaults.retentionMs,
  publishTimeoutMs: 5_000,
};

export function busConfigFromEnvironment(env: NodeJS.ProcessEnv): BusConfig {
  return {
    natsUrl: env.NATS_URL === undefined || env.NATS_URL === '' ? undefined : env.NATS_URL,
    stream: {
      maxAgeMs: integer(env, 'CROUPIER_BUS_MAX_AGE_MS', eventStreamDefaults.maxAgeMs),
      maxBytes: integer(env, 'CROUPIER_BUS_MAX_BYTES', eventStreamDefaults.maxBytes),
      duplicateWindowMs: integer(env, 'CROUPIER_BUS_DUPLICATE_WINDOW_MS', eventStreamDefaults.duplicateWindowMs),
    },
    outboxRetentionMs: integer(env, 'CROUPIER_OUTBOX_RETENTION_MS', busConfigDefaults.outboxRetentionMs),
    publishTimeoutMs: integer(env, 'CROUPIER_BUS_PUBLISH_TIMEOUT_MS', busConfigDefaults.publishTimeoutMs),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return value;
}
