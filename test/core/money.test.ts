import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, amountMax, currencies, formatMajor, parseAmount } from '../../src/core/money.js';
import { partitionOf } from '../../src/core/partitioning.js';

describe('money', () => {
  it('knows the scales of the currencies it carries', () => {
    expect(Object.fromEntries(['USD', 'EUR', 'GBP', 'JPY', 'BTC', 'ETH'].map((code) => [code, currencies.get(code)?.scale]))).toEqual({
      USD: 2, EUR: 2, GBP: 2, JPY: 0, BTC: 8, ETH: 18,
    });
  });

  it('parses strings and safe integers of minor units, up to at least 10^30', () => {
    expect(parseAmount('1050', { allowZero: false })).toEqual({ ok: true, value: 1050n });
    expect(parseAmount(1050, { allowZero: false })).toEqual({ ok: true, value: 1050n });
    expect(parseAmount('0', { allowZero: true })).toEqual({ ok: true, value: 0n });
    expect(parseAmount((10n ** 30n).toString(), { allowZero: false })).toEqual({ ok: true, value: 10n ** 30n });
    expect(parseAmount(amountMax.toString(), { allowZero: false })).toEqual({ ok: true, value: amountMax });
    expect(amountMax >= 10n ** 30n).toBe(true);
  });

  it.each(['-1', '1.5', '1e3', '0x10', ' 1', '01', '', '+1', (amountMax + 1n).toString()])('refuses %j', (text) => {
    expect(parseAmount(text, { allowZero: true })).toMatchObject({ ok: false, code: 'VALIDATION_ERROR' });
  });

  it('formats minor units for people', () => {
    expect(formatMajor(1050n, { code: 'USD', scale: 2 })).toBe('10.50');
    expect(formatMajor(5n, { code: 'USD', scale: 2 })).toBe('0.05');
    expect(formatMajor(1000n, { code: 'JPY', scale: 0 })).toBe('1000');
    expect(formatMajor(-123456789n, { code: 'BTC', scale: 8 })).toBe('-1.23456789');
  });

  it('allocates an amount in shares that lose nothing', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 6 }), (amount, weights) => {
        const shares = allocate(amount, weights);
        expect(shares.reduce((sum, share) => sum + share, 0n)).toBe(amount);
        for (const share of shares) expect(share >= 0n).toBe(true);
      }),
    );
  });
});

describe('partitioning', () => {
  it('maps a player to the same partition every time, within range', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 1024 }), (playerId, count) => {
        const partition = partitionOf(playerId, count);
        expect(partition).toBe(partitionOf(playerId, count));
        expect(partition >= 0 && partition < count).toBe(true);
      }),
    );
    // Fixed values: changing the hash would silently move every player to another partition.
    expect([partitionOf('alice', 64), partitionOf('bob', 64), partitionOf('player-1', 16)]).toEqual([39, 20, 2]);
  });
});
