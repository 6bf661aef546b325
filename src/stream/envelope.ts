import { Compile } from 'typebox/compile';
import { jsonBodyProblem } from '../api/json-body.js';
import { moveCommand, rollbackCommand } from '../api/provider/provider-calls.js';
import type { Provider } from '../api/provider/provider-registry.js';
import { sign, signatureRefusal } from '../api/provider/signature.js';
import { ProviderMoveBody, ProviderRollbackBody, type ProviderMove, type ProviderRollback } from '../api/schemas.js';
import type { CommandInput } from '../core/commands.js';
import { partitionOf } from '../core/partitioning.js';

/**
 * The signed envelope a game server publishes (docs/stream.md): the provider API's body plus its
 * `kind`, as a string, signed like an HTTP call with one of the provider's current secrets:
 * hex HMAC-SHA256(secret, timestamp + "." + body).
 */
export interface Envelope {
  readonly provider_id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
}

export type StreamCommandKind = 'bet' | 'win' | 'rollback';
export type StreamCommandBody = ({ readonly kind: 'bet' | 'win' } & ProviderMove) | ({ readonly kind: 'rollback' } & ProviderRollback);

/** The longest body read, as for an HTTP call. */
export const bodyBytesMax = 16 * 1024;

export function sealEnvelope(providerId: string, secret: string, timestampSeconds: number, body: StreamCommandBody): string {
  const text = JSON.stringify(body);
  const timestamp = String(timestampSeconds);
  const envelope: Envelope = { provider_id: providerId, timestamp, signature: sign(secret, timestamp, text), body: text };
  return JSON.stringify(envelope);
}

/** Why a command goes to the dead letters; a subject token of `<prefix>.deadletter.<reason>`. */
export type PoisonReason = 'unparseable' | 'invalid_envelope' | 'unknown_provider' | 'invalid_signature' | 'invalid_body' | 'wrong_partition' | 'undeliverable';

export type ReadCommand =
  | {
      readonly ok: true;
      readonly providerId: string;
      readonly kind: StreamCommandKind;
      readonly transactionId: string;
      readonly playerId: string;
      readonly command: CommandInput;
    }
  | { readonly ok: false; readonly reason: PoisonReason; readonly detail: string };

export interface ReadContext {
  readonly partition: number;
  readonly partitionCount: number;
  /** When JetStream stored the command: the signed timestamp is held to it, not to the time it is read. */
  readonly storedAtSeconds: number;
  readonly findProvider: (providerId: string) => Provider | undefined;
}

const moveBody = Compile(ProviderMoveBody);
const rollbackBody = Compile(ProviderRollbackBody);

/** A command from the bytes of a stream message, or why it is poison. Pure but for the provider look-up. */
export function readCommand(data: Uint8Array, context: ReadContext): ReadCommand {
  const envelope = parseEnvelope(data);
  if (!envelope.ok) return envelope;
  const { provider_id: providerId, timestamp, signature, body } = envelope.value;
  const provider = context.findProvider(providerId);
  if (provider === undefined) return poison('unknown_provider', `no provider "${providerId.slice(0, 128)}" is configured or registered`);
  const refusal = signatureRefusal(provider.secrets, { timestamp, signature, rawBody: Buffer.from(body, 'utf8') }, context.storedAtSeconds);
  if (refusal !== null) return poison('invalid_signature', refusal);
  const parsed = parseBody(body);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  const expected = partitionOf(value.player_id, context.partitionCount);
  if (expected !== context.partition) return poison('wrong_partition', `player ${value.player_id} belongs to partition ${expected}, not ${context.partition}`);
  const command = value.kind === 'rollback' ? rollbackCommand(withoutKind(value), provider) : moveCommand(value.kind, withoutKind(value), provider);
  return { ok: true, providerId, kind: value.kind, transactionId: value.transaction_id, playerId: value.player_id, command };
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: PoisonReason; readonly detail: string };

function poison(reason: PoisonReason, detail: string): { readonly ok: false; readonly reason: PoisonReason; readonly detail: string } {
  return { ok: false, reason, detail };
}

function parseEnvelope(data: Uint8Array): Parsed<Envelope> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return poison('unparseable', 'the message is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return poison('invalid_envelope', 'the envelope is not a JSON object');
  const fields = value as Record<string, unknown>;
  const names = Object.keys(fields).sort().join(',');
  if (names !== 'body,provider_id,signature,timestamp') return poison('invalid_envelope', 'the envelope has exactly provider_id, timestamp, signature and body');
  const { provider_id: providerId, timestamp, signature, body } = fields;
  if (typeof providerId !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string' || typeof body !== 'string') {
    return poison('invalid_envelope', 'provider_id, timestamp, signature and body are strings');
  }
  if (Buffer.byteLength(body, 'utf8') > bodyBytesMax) return poison('invalid_envelope', `the body is over ${bodyBytesMax} bytes`);
  return { ok: true, value: { provider_id: providerId, timestamp, signature, body } };
}

/** The body as strictly as the HTTP API reads it: no repeated key, no inexact number, the provider schema. */
function parseBody(text: string): Parsed<StreamCommandBody> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return poison('invalid_body', 'the body is not JSON');
  }
  const problem = jsonBodyProblem(text);
  if (problem !== null) return poison('invalid_body', problem);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return poison('invalid_body', 'the body is not a JSON object');
  const { kind, ...rest } = value as Record<string, unknown>;
  if (kind !== 'bet' && kind !== 'win' && kind !== 'rollback') return poison('invalid_body', 'kind must be "bet", "win" or "rollback"');
  const schema = kind === 'rollback' ? rollbackBody : moveBody;
  if (!schema.Check(rest)) return poison('invalid_body', schemaProblem([...schema.Errors(rest)]));
  return { ok: true, value: { kind, ...rest } as StreamCommandBody };
}

function schemaProblem(errors: readonly { readonly instancePath: string; readonly message: string }[]): string {
  const first = errors[0];
  return first === undefined ? 'the body does not match its schema' : `${first.instancePath === '' ? 'body' : first.instancePath} ${first.message}`;
}

function withoutKind<T extends { readonly kind: string }>(body: T): Omit<T, 'kind'> {
  const rest: Record<string, unknown> = { ...body };
  delete rest.kind;
  return rest as Omit<T, 'kind'>;
}
