import type { Provider } from '../../src/api/provider/provider-registry.js';
import type { CroupierOptions } from '../../src/croupier.js';
import { defaultStreamSettings, type StreamSettings } from '../../src/stream/stream-settings.js';
import { roomyMoneyLimits } from './roomy-limits.js';

/** What the bet-stream SIGKILL test and its child share. */
export const streamCrashPartitions = 4;

export const streamCrashProvider: Provider = {
  providerId: 'crash-games',
  secrets: ['crash-secret'],
  rollbackUnknown: 'ok',
  winMax: null,
  roundPayoutMax: null,
  previousSecretExpiresAt: null,
  configuredBy: 'operator',
};

/** A short ack wait, so that what the killed process held is delivered again within the test. */
export function crashStreamSettings(prefix: string): StreamSettings {
  return { ...defaultStreamSettings, subjectPrefix: prefix, fetchBatchMax: 128, ackWaitMs: 3_000, duplicateWindowMs: 2 * 60_000 };
}

export function streamCrashCroupierOptions(databaseUrl: string, schema: string): CroupierOptions {
  return { databaseUrl, schema, poolSize: 4, engine: { partitionCount: streamCrashPartitions, moneyLimits: roomyMoneyLimits } };
}
