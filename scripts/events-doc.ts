/**
 * Renders docs/events.md from the envelope schema and the event type registry in
 * src/bus/event-envelope.ts: `npx tsx scripts/events-doc.ts --write`. A test compares the
 * committed file with this rendering, so the docs never drift from the code.
 */
import { writeFile } from 'node:fs/promises';
import type { TSchema } from 'typebox';
import { eventStreamDefaults, eventStreamName } from '../src/bus/bus-streams.js';
import { EventEnvelope, eventTypes } from '../src/bus/event-envelope.js';
import { relayDefaults } from '../src/bus/event-relay.js';

export const eventsDocPath = new URL('../docs/events.md', import.meta.url);

interface Described {
  readonly description?: string;
  readonly properties?: Record<string, TSchema & Described>;
}

function fieldRows(schema: Described, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => [
    `| \`${prefix}${name}\` | ${field.description ?? ''} |`,
    ...(field.properties === undefined || name === 'payload' ? [] : fieldRows(field, `${prefix}${name}.`)),
  ]);
}

const example = {
  id: '4398046511109',
  type: 'transaction.bet',
  time: '2026-01-01T12:00:00.000Z',
  player_id: 'p-1',
  partition: 4,
  sequence: '5',
  payload: { source: 'acme', transaction_id: 'b-1', kind: 'bet', amount: '1000', currency: 'EUR', round_id: 'r-1', game_id: null, reference_transaction_id: null, cash_amount: '1000', bonus_amount: '0', bonus_grant_id: null, contribution: '0', postings: [{ account: 'player:cash', player_id: 'p-1', amount: '-1000' }, { account: 'house:games', player_id: null, amount: '1000' }], balance_after: { cash: '9000', bonus: '0' } },
};

const hours = (ms: number) => `${ms / 3_600_000} h`;

export function renderEventsDoc(): string {
  const types = Object.entries(eventTypes).flatMap(([type, { description, payload }]) => [`### \`${type}\``, '', description, '', '| payload field | meaning |', '|---|---|', ...fieldRows(payload as Described), '']);
  return [
    '# Committed events',
    '',
    'Every change a batch commits is published, after the commit, to the event bus: NATS JetStream',
    'when `NATS_URL` is set, otherwise the in-process bus (subscribers in the same process only).',
    'The relay (`src/bus/event-relay.ts`) publishes them in commit order per partition and records',
    'its progress in the store (`relay_progress`) only after JetStream acked them, so a crash or an',
    'outage re-sends, never loses. Generated from `src/bus/event-envelope.ts` by',
    '`npx tsx scripts/events-doc.ts --write`; a test holds this file to the code.',
    '',
    '## Subjects, ids and order',
    '',
    '- Subject: `croupier.events.<type>.<partition>`, e.g. `croupier.events.transaction.bet.4`;',
    '  `croupier.events.>` is everything, `croupier.events.bonus.*.*` every bonus event.',
    '- `Nats-Msg-Id` and `id` are the ledger id, `ledgerId(partition, sequence)`: JetStream drops a',
    '  re-send within the duplicate window, and a consumer must dedupe by `id` past it.',
    '- Within a partition, `sequence` only grows; numbers may be skipped (coalesced',
    '  `wagering.progressed`). There is no order across partitions; a player lives in one partition.',
    '- `time` is when the batch committed. An event the relay read back from the store (after a',
    '  restart, a dropped notification or a bus outage) carries the time it was read instead:',
    '  the store keeps no commit time for bonus events and refusals.',
    '- Amounts and numbers past 2^53 are decimal strings of minor units.',
    '',
    `## Stream \`${eventStreamName}\``,
    '',
    'Created or updated at start-up (idempotent), with these limits:',
    '',
    '| limit | default | variable |',
    '|---|---|---|',
    `| max age | ${hours(eventStreamDefaults.maxAgeMs)} | \`CROUPIER_BUS_MAX_AGE_MS\` |`,
    `| max bytes | ${eventStreamDefaults.maxBytes} | \`CROUPIER_BUS_MAX_BYTES\` |`,
    `| duplicate window | ${eventStreamDefaults.duplicateWindowMs / 60_000} min | \`CROUPIER_BUS_DUPLICATE_WINDOW_MS\` |`,
    '',
    `Published outbox rows are deleted after \`CROUPIER_OUTBOX_RETENTION_MS\` (default ${hours(relayDefaults.retentionMs)}); the`,
    'ledger rows, which carry the transaction events, are never deleted.',
    '',
    '## Envelope',
    '',
    '| field | meaning |',
    '|---|---|',
    ...fieldRows(EventEnvelope as unknown as Described),
    '',
    '```json',
    JSON.stringify(example, null, 2),
    '```',
    '',
    '## Event types',
    '',
    ...types,
  ].join('\n');
}

if (process.argv.includes('--write')) await writeFile(eventsDocPath, renderEventsDoc());
