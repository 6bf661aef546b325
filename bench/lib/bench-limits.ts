import type { MoneyLimits } from '../../src/core/money-limits.js';
import { benchCurrency } from './workload.js';

/**
 * The benches fund each player with 10,000,000 EUR (and bonus30 grants as much), above the
 * default transaction maximum of 1,000,000 EUR: they raise the bench currency's limits, the way
 * an operator configures them, so that the workload stays what earlier runs measured.
 */
export const benchMoneyLimits: ReadonlyMap<string, MoneyLimits> = new Map([[benchCurrency, { transactionMax: 10n ** 15n, balanceMax: 10n ** 18n }]]);

/** The same limits as the service's environment (bench:http). */
export const benchMoneyLimitsEnvironment: Readonly<Record<string, string>> = {
  CROUPIER_TRANSACTION_MAX: `${benchCurrency}=${10n ** 15n}`,
  CROUPIER_BALANCE_MAX: `${benchCurrency}=${10n ** 18n}`,
};
