import { defaultStreamSettings, type StreamSettings } from './stream-settings.js';

/** The bet stream's configuration (README, "Configuration"): on only when NATS_URL is set. */
export interface BetStreamConfig {
  readonly natsUrl: string | undefined;
  readonly settings: StreamSettings;
}

export function betStreamConfigFromEnvironment(env: NodeJS.ProcessEnv): BetStreamConfig {
  const defaults = defaultStreamSettings;
  return {
    natsUrl: env.NATS_URL === undefined || env.NATS_URL === '' ? undefined : env.NATS_URL,
    settings: {
      ...defaults,
      subjectPrefix: env.CROUPIER_STREAM_PREFIX === undefined || env.CROUPIER_STREAM_PREFIX === '' ? defaults.subjectPrefix : env.CROUPIER_STREAM_PREFIX,
      fetchBatchMax: integer(env, 'CROUPIER_STREAM_FETCH_BATCH_MAX', defaults.fetchBatchMax),
      ackWaitMs: integer(env, 'CROUPIER_STREAM_ACK_WAIT_MS', defaults.ackWaitMs),
      deliverMax: integer(env, 'CROUPIER_STREAM_DELIVER_MAX', defaults.deliverMax),
      duplicateWindowMs: integer(env, 'CROUPIER_STREAM_DUPLICATE_WINDOW_MS', defaults.duplicateWindowMs),
      commandBytesMax: integer(env, 'CROUPIER_STREAM_COMMAND_BYTES_MAX', defaults.commandBytesMax),
    },
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return value;
}
