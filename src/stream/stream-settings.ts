/**
 * The bet stream's names and limits (docs/stream.md). Every queue, batch, wait and retention has
 * a named maximum here, and `assertStreamSettings` checks the relations between them at start-up.
 */
export interface StreamSettings {
  /** First token of every subject, and (upper-cased) of every stream name: tests use their own. */
  readonly subjectPrefix: string;
  /** Commands fetched per pull from one partition's consumer; also that consumer's unacked maximum. */
  readonly fetchBatchMax: number;
  /** How long one pull waits for its batch to fill (JetStream's minimum is 1 s). */
  readonly fetchExpiresMs: number;
  /** How long JetStream waits for an ack before it delivers a command again. */
  readonly ackWaitMs: number;
  /** Deliveries of one command; the last one, if still UNAVAILABLE, goes to the dead letters. */
  readonly deliverMax: number;
  /** The first retry of an UNAVAILABLE command waits this long, doubling up to `retryDelayMsMax`. */
  readonly retryDelayMsMin: number;
  readonly retryDelayMsMax: number;
  /** Within this window a repeated Nats-Msg-Id is dropped by JetStream (commands and outcomes alike). */
  readonly duplicateWindowMs: number;
  /** How long unconsumed commands, outcomes and dead letters are kept, and how many bytes of each. */
  readonly commandAgeMsMax: number;
  readonly commandBytesMax: number;
  readonly outcomeAgeMsMax: number;
  readonly outcomeBytesMax: number;
  readonly deadLetterAgeMsMax: number;
  readonly deadLetterBytesMax: number;
  /** One published message (an envelope with a 16 KiB body fits). */
  readonly messageBytesMax: number;
  /** How long to wait before connecting again after NATS refused or dropped the connection. */
  readonly reconnectMs: number;
}

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const mebibyte = 1024 * 1024;

export const defaultStreamSettings: StreamSettings = {
  subjectPrefix: 'croupier',
  fetchBatchMax: 256,
  fetchExpiresMs: 1 * second,
  ackWaitMs: 30 * second,
  deliverMax: 1_000,
  retryDelayMsMin: 100,
  retryDelayMsMax: 30 * second,
  duplicateWindowMs: 2 * minute,
  commandAgeMsMax: 7 * day,
  commandBytesMax: 1024 * mebibyte,
  outcomeAgeMsMax: 1 * day,
  outcomeBytesMax: 1024 * mebibyte,
  deadLetterAgeMsMax: 30 * day,
  deadLetterBytesMax: 256 * mebibyte,
  messageBytesMax: 32 * 1024,
  reconnectMs: 2 * second,
};

export function assertStreamSettings(settings: StreamSettings): void {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(settings.subjectPrefix)) throw new Error(`invariant violated: the stream prefix is one subject token of 1–32 letters, digits, _ or -, got "${settings.subjectPrefix}"`);
  if (!(settings.fetchBatchMax >= 1 && settings.fetchBatchMax <= 10_000)) throw new Error('invariant violated: fetchBatchMax is 1–10,000');
  if (!(settings.fetchExpiresMs >= 1_000)) throw new Error('invariant violated: fetchExpiresMs is at least JetStream’s 1 s');
  // A batch is handled within one ack wait, or JetStream would deliver it again while it runs.
  if (!(settings.ackWaitMs > settings.fetchExpiresMs)) throw new Error('invariant violated: ackWaitMs exceeds fetchExpiresMs');
  if (!(settings.deliverMax >= 2)) throw new Error('invariant violated: deliverMax allows at least one retry');
  if (!(settings.retryDelayMsMin > 0 && settings.retryDelayMsMin <= settings.retryDelayMsMax)) throw new Error('invariant violated: 0 < retryDelayMsMin ≤ retryDelayMsMax');
  // A command is deduplicated while its own redeliveries can still come.
  if (!(settings.duplicateWindowMs >= settings.ackWaitMs)) throw new Error('invariant violated: duplicateWindowMs covers ackWaitMs');
  if (!(settings.duplicateWindowMs <= settings.commandAgeMsMax && settings.duplicateWindowMs <= settings.outcomeAgeMsMax)) throw new Error('invariant violated: duplicateWindowMs within the retention');
  if (!(settings.messageBytesMax >= 20 * 1024)) throw new Error('invariant violated: messageBytesMax holds a 16 KiB body in its envelope');
  for (const bytes of [settings.commandBytesMax, settings.outcomeBytesMax, settings.deadLetterBytesMax]) {
    if (!(bytes >= settings.messageBytesMax * settings.fetchBatchMax)) throw new Error('invariant violated: each stream holds at least a batch of the largest messages');
  }
}

/** The subjects and stream names of one prefix. */
export interface StreamNames {
  readonly commandsStream: string;
  readonly outcomesStream: string;
  readonly deadLetterStream: string;
  commandSubject(partition: number): string;
  outcomeSubject(providerId: string): string;
  deadLetterSubject(reason: string): string;
  consumer(partition: number): string;
}

export function streamNames(prefix: string): StreamNames {
  const stream = prefix.toUpperCase().replaceAll('-', '_');
  return {
    commandsStream: `${stream}_COMMANDS`,
    outcomesStream: `${stream}_OUTCOMES`,
    deadLetterStream: `${stream}_DEADLETTER`,
    commandSubject: (partition) => `${prefix}.commands.${partition}`,
    // Provider ids hold no `*`, `>` or space; a `.` makes more tokens, and the subject stays exact.
    outcomeSubject: (providerId) => `${prefix}.outcomes.${providerId}`,
    deadLetterSubject: (reason) => `${prefix}.deadletter.${reason}`,
    consumer: (partition) => `${stream}_PARTITION_${partition}`,
  };
}
