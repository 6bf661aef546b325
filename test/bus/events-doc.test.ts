// Goal: docs/events.md documents every event type and the envelope exactly as the code's schema
// says. Method: the file is compared with its rendering from src/bus/event-envelope.ts (as
// test/api/error-registry.test.ts does for docs/errors.md), and the example it shows is checked
// against the schema. The relay test checks real envelopes against the same schema.
import { readFile } from 'node:fs/promises';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { EventEnvelope, eventTypes } from '../../src/bus/event-envelope.js';
import { eventsDocPath, renderEventsDoc } from '../../scripts/events-doc.js';

describe('docs/events.md', () => {
  it('is the rendering of the envelope schema and the event type registry', async () => {
    expect(await readFile(eventsDocPath, 'utf8')).toBe(renderEventsDoc());
  });

  it('documents every event type, and its example is a valid envelope', async () => {
    const doc = await readFile(eventsDocPath, 'utf8');
    for (const type of Object.keys(eventTypes)) expect(doc).toContain(`### \`${type}\``);
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(Value.Check(EventEnvelope, JSON.parse(example ?? 'null'))).toBe(true);
  });

  it('refuses an envelope with a number where the schema wants a decimal string, or an unknown type', () => {
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(renderEventsDoc())?.[1] ?? 'null') as Record<string, unknown>;
    expect(Value.Check(EventEnvelope, { ...example, sequence: 5 })).toBe(false);
    expect(Value.Check(EventEnvelope, { ...example, type: 'transaction.unknown' })).toBe(false);
  });
});
