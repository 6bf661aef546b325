import { Type, type Static, type TSchema } from 'typebox';
import type { BonusEvent, DomainEvent, RefusalEvent, TransactionEvent } from '../core/events.js';
import type { SequencedEvent } from '../engine/committed-batch.js';
import { ledgerId } from '../store/ledger-store.js';
import { eventSubjectPrefix } from './bus-streams.js';

/** Minor units and ledger numbers travel as decimal strings: JSON numbers lose digits past 2^53. */
const Integer = (description: string) => Type.String({ pattern: '^-?[0-9]+$', description });
const Text = (description: string) => Type.String({ description });
const NullableText = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

const transactionPayload = Type.Object(
  {
    source: Text('who issued the transaction id: a provider id, "operator" or "bonus"'),
    transaction_id: Text('the id the source gave it (idempotency key)'),
    kind: Text('deposit, withdrawal, bet, win, rollback, tombstone, bonus_credit, bonus_conversion or bonus_forfeit'),
    amount: Integer('the amount asked for, in minor units'),
    currency: Text('ISO 4217 code'),
    round_id: NullableText('the game round, for bets, wins and rollbacks'),
    game_id: NullableText('the game, when the provider named one'),
    reference_transaction_id: NullableText('the bet a rollback or win refers to'),
    cash_amount: Integer('how much moved from or to cash (a magnitude)'),
    bonus_amount: Integer('how much moved from or to bonus money (a magnitude)'),
    bonus_grant_id: NullableText('the bonus active when a bet was placed'),
    contribution: Integer('what a bet added to the wagering requirement'),
    postings: Type.Array(Type.Object({ account: Type.String(), player_id: NullableText('null for house and world accounts'), amount: Integer('signed: positive credits the account') }), {
      description: 'the legs of the entry; they sum to zero',
    }),
    balance_after: Type.Object({ cash: Integer('cash after'), bonus: Integer('bonus after') }, { description: "the player's balances once this transaction is applied" }),
  },
  { additionalProperties: false },
);

const refusalPayload = Type.Object(
  {
    source: Text('who issued the refused transaction id'),
    transaction_id: Text('the refused transaction id'),
    kind: Text('what the command asked for: deposit, withdrawal, bet, win or rollback'),
    code: Text('the stable result code (docs/errors.md), e.g. INSUFFICIENT_FUNDS or PLAYER_BLOCKED'),
  },
  { additionalProperties: false },
);

const grantId = Text('the bonus grant');
const strict = { additionalProperties: false } as const;
const payloads = {
  granted: Type.Object({ grant_id: grantId, campaign_id: Text('the campaign'), amount: Integer('bonus amount'), required: Integer('wagering required') }, strict),
  activated: Type.Object({ grant_id: grantId, amount: Integer('bonus amount credited'), required: Integer('wagering required'), expires_at: Type.String({ format: 'date-time', description: 'when it expires' }) }, strict),
  ended: Type.Object({ grant_id: grantId, forfeited: Integer('bonus money that went to the house') }, strict),
  converted: Type.Object({ grant_id: grantId, converted: Integer('bonus money turned into cash'), forfeited: Integer('bonus money past the conversion cap') }, strict),
  optedIn: Type.Object({ campaign_id: Text('the campaign the player opted in to') }, strict),
  progressed: Type.Object({ grant_id: grantId, progress: Integer('wagering done so far'), required: Integer('wagering required') }, strict),
};

interface EventTypeDoc {
  readonly description: string;
  readonly payload: TSchema;
}

const transactionDoc = (description: string): EventTypeDoc => ({ description, payload: transactionPayload });

/** Every event type with its payload schema: a record, so the compiler refuses a type left out (docs/events.md is rendered from it). */
export const eventTypes: Readonly<Record<DomainEvent['type'], EventTypeDoc>> = {
  'transaction.deposit': transactionDoc('An operator deposit credited cash.'),
  'transaction.withdrawal': transactionDoc('An operator withdrawal debited cash.'),
  'transaction.bet': transactionDoc('A provider bet debited cash and/or bonus money (the split is `cash_amount` / `bonus_amount`).'),
  'transaction.win': transactionDoc('A provider win credited cash and/or bonus money.'),
  'transaction.rollback': transactionDoc('A bet rolled back: its money returned to where it came from.'),
  'transaction.tombstone': transactionDoc('A rollback that arrived before its bet: the bet id is closed, nothing moved.'),
  'transaction.bonus_credit': transactionDoc('Bonus money credited when a bonus activated.'),
  'transaction.bonus_conversion': transactionDoc('Bonus money converted to cash once wagering completed.'),
  'transaction.bonus_forfeit': transactionDoc('Bonus money taken back to the house (expiry, forfeit, cancellation, cap).'),
  'transaction.refused': { description: 'A money command refused with a stable code (insufficient funds, blocked player, ...); nothing moved.', payload: refusalPayload },
  'bonus.granted': { description: 'A bonus granted to the player, waiting to activate.', payload: payloads.granted },
  'bonus.activated': { description: 'A bonus activated: its money is credited and wagering starts.', payload: payloads.activated },
  'bonus.expired': { description: 'A bonus expired before its wagering completed.', payload: payloads.ended },
  'bonus.forfeited': { description: 'A bonus forfeited (by a withdrawal or by the player).', payload: payloads.ended },
  'bonus.depleted': { description: 'A bonus whose money ran out before wagering completed.', payload: payloads.ended },
  'bonus.cancelled': { description: 'A bonus cancelled by the operator.', payload: payloads.ended },
  'bonus.converted': { description: 'A bonus whose wagering completed: its money became cash.', payload: payloads.converted },
  'bonus.opted_in': { description: 'The player opted in to a campaign.', payload: payloads.optedIn },
  'wagering.progressed': { description: 'Wagering progress of the active bonus (the latest per bonus per batch: numbers in between are skipped).', payload: payloads.progressed },
};

/** The envelope every published event travels in, on every subject `croupier.events.<type>.<partition>`. */
export const EventEnvelope = Type.Object(
  {
    id: Integer('the event id: `ledgerId(partition, sequence)`, also the `Nats-Msg-Id`; consumers dedupe by it'),
    // Built from the record, so its static type is widened; EventEnvelope below narrows it back.
    type: Type.Union(
      Object.keys(eventTypes).map((type) => Type.Literal(type)),
      { description: 'one of the event types below' },
    ) as TSchema,
    time: Type.String({ format: 'date-time', description: 'when the batch committed (see "time" below)' }),
    player_id: Text('the player the event belongs to'),
    partition: Type.Integer({ minimum: 0, description: "the player's partition" }),
    sequence: Integer("the event's number in the partition's sequence: events of a partition are published in this order"),
    payload: Type.Union([transactionPayload, refusalPayload, payloads.granted, payloads.activated, payloads.ended, payloads.converted, payloads.optedIn, payloads.progressed], {
      description: 'by type, below',
    }),
  },
  { additionalProperties: false },
);

export type EventEnvelope = Omit<Static<typeof EventEnvelope>, 'type'> & { readonly type: DomainEvent['type'] };

export function eventSubject(type: DomainEvent['type'], partition: number, prefix = eventSubjectPrefix): string {
  return `${prefix}.${type}.${partition}`;
}

/** The envelope of one committed event. `time` is when its batch committed, as the relay knows it. */
export function envelopeOf(partition: number, sequenced: SequencedEvent, time: Date): EventEnvelope {
  const { event, sequence } = sequenced;
  return {
    id: String(ledgerId(partition, sequence)),
    type: event.type,
    time: time.toISOString(),
    player_id: event.playerId,
    partition,
    sequence: String(sequence),
    payload: payloadOf(event),
  };
}

function payloadOf(event: DomainEvent): EventEnvelope['payload'] {
  if (event.type === 'transaction.refused') return refusalOf(event);
  if (event.type.startsWith('transaction.')) return transactionOf(event as TransactionEvent);
  return bonusOf(event as BonusEvent);
}

function transactionOf({ entry, balanceAfter }: TransactionEvent): Static<typeof transactionPayload> {
  const { record } = entry;
  return {
    source: record.source,
    transaction_id: record.transactionId,
    kind: record.kind,
    amount: String(record.amount),
    currency: record.currency,
    round_id: record.roundId,
    game_id: record.gameId,
    reference_transaction_id: record.referenceTransactionId,
    cash_amount: String(entry.cashAmount),
    bonus_amount: String(entry.bonusAmount),
    bonus_grant_id: entry.bonusGrantId,
    contribution: String(entry.contribution),
    postings: entry.postings.map((posting) => ({ account: posting.account, player_id: posting.playerId, amount: String(posting.amount) })),
    balance_after: { cash: String(balanceAfter.cash), bonus: String(balanceAfter.bonus) },
  };
}

function refusalOf(event: RefusalEvent): Static<typeof refusalPayload> {
  return { source: event.source, transaction_id: event.transactionId, kind: event.kind, code: event.code };
}

function bonusOf(event: BonusEvent): EventEnvelope['payload'] {
  switch (event.type) {
    case 'bonus.granted':
      return { grant_id: event.grantId, campaign_id: event.campaignId, amount: String(event.amount), required: String(event.required) };
    case 'bonus.activated':
      return { grant_id: event.grantId, amount: String(event.amount), required: String(event.required), expires_at: new Date(event.expiresAt).toISOString() };
    case 'bonus.converted':
      return { grant_id: event.grantId, converted: String(event.converted), forfeited: String(event.forfeited) };
    case 'bonus.opted_in':
      return { campaign_id: event.campaignId };
    case 'wagering.progressed':
      return { grant_id: event.grantId, progress: String(event.progress), required: String(event.required) };
    default:
      return { grant_id: event.grantId, forfeited: String(event.forfeited) };
  }
}
