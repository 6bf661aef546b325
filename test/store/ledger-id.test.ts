// Goal: a ledger id packs its partition above a 40-bit sequence and refuses what does not fit,
// rather than let one partition's ids run into the next one's. Method: pack the edges of both
// ranges, and check each value just outside them throws an invariant violation.
import { describe, expect, it } from 'vitest';
import { ledgerId } from '../../src/store/ledger-store.js';

const sequenceLimit = 2n ** 40n;
const partitionMax = 2 ** 23 - 1;

describe('ledgerId', () => {
  it('packs the partition above the 40-bit sequence', () => {
    expect(ledgerId(0, 0n)).toBe(0n);
    expect(ledgerId(0, sequenceLimit - 1n)).toBe(sequenceLimit - 1n);
    expect(ledgerId(1, 0n)).toBe(sequenceLimit);
    expect(ledgerId(3, 5n)).toBe(3n * sequenceLimit + 5n);
  });

  it('keeps the largest partition inside a signed 64-bit bigint', () => {
    expect(ledgerId(partitionMax, sequenceLimit - 1n)).toBe(2n ** 63n - 1n);
  });

  it.each([
    ['a negative sequence', 0, -1n],
    ['a sequence of 2^40', 0, sequenceLimit],
    ['a negative partition', -1, 0n],
    ['a fractional partition', 1.5, 0n],
    ['a partition that is not a number', Number.NaN, 0n],
    ['a partition past 2^23 - 1', partitionMax + 1, 0n],
  ])('refuses %s', (_what, partition, sequence) => {
    expect(() => ledgerId(partition, sequence)).toThrow(/^invariant violated: /);
  });
});
