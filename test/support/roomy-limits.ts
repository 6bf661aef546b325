import type { MoneyLimits } from '../../src/core/money-limits.js';

/**
 * Money limits far above the defaults, for the suites that fund players with more than a
 * default transaction (the crash tests' 10,000,000 EUR, the 10^35 ETH of the 64-bit test): what
 * they test is not the limits, which test/core/money-safety.test.ts covers.
 */
export const roomyMoneyLimits: ReadonlyMap<string, MoneyLimits> = new Map([
  ['EUR', { transactionMax: 10n ** 18n, balanceMax: 10n ** 24n }],
  ['ETH', { transactionMax: 10n ** 36n - 1n, balanceMax: 10n ** 36n - 1n }],
]);

/** The same limits as a service's environment. */
export const roomyMoneyLimitsEnvironment: Readonly<Record<string, string>> = {
  CROUPIER_TRANSACTION_MAX: [...roomyMoneyLimits].map(([code, limits]) => `${code}=${limits.transactionMax}`).join(','),
  CROUPIER_BALANCE_MAX: [...roomyMoneyLimits].map(([code, limits]) => `${code}=${limits.balanceMax}`).join(','),
};
