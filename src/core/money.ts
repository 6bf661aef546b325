import { failure, success, type Result } from './result.js';

export interface Currency {
  readonly code: string;
  /** Number of decimal places of the minor unit (USD 2: 1050 = 10.50). */
  readonly scale: number;
}

const currencyList: readonly Currency[] = [
  { code: 'USD', scale: 2 },
  { code: 'EUR', scale: 2 },
  { code: 'GBP', scale: 2 },
  { code: 'CAD', scale: 2 },
  { code: 'AUD', scale: 2 },
  { code: 'BRL', scale: 2 },
  { code: 'SEK', scale: 2 },
  { code: 'NOK', scale: 2 },
  { code: 'JPY', scale: 0 },
  { code: 'KRW', scale: 0 },
  { code: 'BTC', scale: 8 },
  { code: 'ETH', scale: 18 },
  { code: 'USDT', scale: 6 },
];

export const currencies: ReadonlyMap<string, Currency> = new Map(
  currencyList.map((currency) => [currency.code, currency]),
);

/**
 * The largest amount one command may carry: 10^36 - 1 minor units, far above 10^30 so that
 * 18-decimal currencies (ETH) hold more than 10^12 whole units per command.
 */
export const amountMax = 10n ** 36n - 1n;
const amountDigitsMax = 36;

export function findCurrency(code: unknown): Result<Currency> {
  if (typeof code !== 'string') return failure('VALIDATION_ERROR', 'currency must be a string');
  const currency = currencies.get(code);
  if (currency === undefined) return failure('VALIDATION_ERROR', `unknown currency "${code.slice(0, 16)}"`);
  return success(currency);
}

export interface AmountRules {
  readonly allowZero: boolean;
}

/**
 * Amounts travel as strings of integer minor units ("1050"); integer JSON numbers are accepted
 * too. Anything else (sign, fraction, exponent, leading zeros, beyond amountMax) is refused.
 */
export function parseAmount(input: unknown, rules: AmountRules): Result<bigint> {
  const amount = toMinorUnits(input);
  if (!amount.ok) return amount;
  if (amount.value === 0n && !rules.allowZero) return failure('VALIDATION_ERROR', 'amount must be positive');
  if (amount.value > amountMax) return failure('VALIDATION_ERROR', `amount must not exceed ${amountMax}`);
  return amount;
}

function toMinorUnits(input: unknown): Result<bigint> {
  if (typeof input === 'bigint') {
    if (input < 0n) return failure('VALIDATION_ERROR', 'amount must not be negative');
    return success(input);
  }
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) return failure('VALIDATION_ERROR', 'amount must be an integer of minor units');
    if (input < 0) return failure('VALIDATION_ERROR', 'amount must not be negative');
    return success(BigInt(input));
  }
  if (typeof input === 'string') {
    if (input.length > amountDigitsMax + 1) return failure('VALIDATION_ERROR', 'amount is too large');
    if (input.startsWith('-')) return failure('VALIDATION_ERROR', 'amount must not be negative');
    if (!/^(0|[1-9][0-9]*)$/.test(input)) {
      return failure('VALIDATION_ERROR', 'amount must be a string of integer minor units, e.g. "1050"');
    }
    return success(BigInt(input));
  }
  return failure('VALIDATION_ERROR', 'amount is required');
}

/** Formats minor units for people ("1050", USD -> "10.50"); never used for arithmetic. */
export function formatMajor(amount: bigint, currency: Currency): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(currency.scale + 1, '0');
  const whole = digits.slice(0, digits.length - currency.scale);
  const fraction = digits.slice(digits.length - currency.scale);
  const sign = negative ? '-' : '';
  return currency.scale === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/**
 * Splits `amount` in proportion to `weights`, rounding down and giving the remainder to the
 * first shares, so that the shares always add up to `amount` exactly.
 */
export function allocate(amount: bigint, weights: readonly bigint[]): bigint[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0n);
  if (total === 0n) return weights.map((_, index) => (index === 0 ? amount : 0n));
  const shares = weights.map((weight) => (amount * weight) / total);
  let remainder = amount - shares.reduce((sum, share) => sum + share, 0n);
  for (let index = 0; remainder > 0n; index = (index + 1) % shares.length) {
    if (weights[index] === 0n) continue;
    shares[index] = (shares[index] ?? 0n) + 1n;
    remainder -= 1n;
  }
  return shares;
}
