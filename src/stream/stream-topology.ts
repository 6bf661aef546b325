import { AckPolicy, DeliverPolicy, DiscardPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { streamNames, type StreamSettings } from './stream-settings.js';

/**
 * Creates, or updates to these limits, the bet stream's three streams and one durable pull
 * consumer per partition; run at every start and reconnection, so it is idempotent.
 *
 * Commands are a work queue: an acked command leaves the stream (the ledger is the record), so
 * its byte limit measures the backlog, and a full backlog refuses new commands (discard new)
 * rather than dropping ones not yet applied. Outcomes and dead letters are kept by age and size.
 */
export async function ensureTopology(manager: JetStreamManager, settings: StreamSettings, partitionCount: number): Promise<void> {
  const names = streamNames(settings.subjectPrefix);
  const common = { storage: StorageType.File, num_replicas: 1, max_msg_size: settings.messageBytesMax, duplicate_window: nanos(settings.duplicateWindowMs) };
  await ensureStream(manager, {
    ...common,
    name: names.commandsStream,
    subjects: [`${settings.subjectPrefix}.commands.*`],
    retention: RetentionPolicy.Workqueue,
    discard: DiscardPolicy.New,
    max_age: nanos(settings.commandAgeMsMax),
    max_bytes: settings.commandBytesMax,
  });
  await ensureStream(manager, {
    ...common,
    name: names.outcomesStream,
    subjects: [`${settings.subjectPrefix}.outcomes.>`],
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.outcomeAgeMsMax),
    max_bytes: settings.outcomeBytesMax,
  });
  await ensureStream(manager, {
    ...common,
    name: names.deadLetterStream,
    subjects: [`${settings.subjectPrefix}.deadletter.>`],
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.deadLetterAgeMsMax),
    max_bytes: settings.deadLetterBytesMax,
  });
  for (let partition = 0; partition < partitionCount; partition += 1) {
    await ensureConsumer(manager, names.commandsStream, {
      durable_name: names.consumer(partition),
      filter_subject: names.commandSubject(partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(settings.ackWaitMs),
      max_deliver: settings.deliverMax,
      // One fetched batch unacked at a time: a partition's commands are applied in stream order.
      max_ack_pending: settings.fetchBatchMax,
      max_batch: settings.fetchBatchMax,
    });
  }
}

type StreamSpec = Pick<StreamConfig, 'name' | 'subjects' | 'retention' | 'discard' | 'storage' | 'num_replicas' | 'max_age' | 'max_bytes' | 'max_msg_size' | 'duplicate_window'>;

async function ensureStream(manager: JetStreamManager, spec: StreamSpec): Promise<void> {
  try {
    await manager.streams.info(spec.name);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.StreamNotFound)) throw error;
    await manager.streams.add(spec);
    return;
  }
  // Retention and storage cannot change on a stream; the limits can.
  const { subjects, discard, max_age, max_bytes, max_msg_size, duplicate_window, num_replicas } = spec;
  await manager.streams.update(spec.name, { subjects, discard, max_age, max_bytes, max_msg_size, duplicate_window, num_replicas });
}

interface ConsumerSpec {
  readonly durable_name: string;
  readonly filter_subject: string;
  readonly ack_policy: AckPolicy;
  readonly deliver_policy: DeliverPolicy;
  readonly ack_wait: number;
  readonly max_deliver: number;
  readonly max_ack_pending: number;
  readonly max_batch: number;
}

async function ensureConsumer(manager: JetStreamManager, stream: string, spec: ConsumerSpec): Promise<void> {
  try {
    await manager.consumers.info(stream, spec.durable_name);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await manager.consumers.add(stream, spec);
    return;
  }
  // The delivery and ack policies are fixed at creation; the limits can change.
  const { filter_subject, ack_wait, max_deliver, max_ack_pending, max_batch } = spec;
  await manager.consumers.update(stream, spec.durable_name, { filter_subject, ack_wait, max_deliver, max_ack_pending, max_batch });
}

function isNotFound(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
