import { currencies } from './core/money.js';
import { defaultMoneyLimits, type MoneyLimits } from './core/money-limits.js';

/**
 * CROUPIER_TRANSACTION_MAX and CROUPIER_BALANCE_MAX: comma lists of `CUR=minor units`
 * (`EUR=500000000,USD=500000000`). A currency named in neither keeps its defaults; one named in
 * one of them keeps the default of the other. The engine checks the result at start-up.
 */
export function moneyLimitsFromEnvironment(env: NodeJS.ProcessEnv): Map<string, MoneyLimits> {
  const transaction = perCurrency(env, 'CROUPIER_TRANSACTION_MAX');
  const balance = perCurrency(env, 'CROUPIER_BALANCE_MAX');
  const limits = new Map<string, MoneyLimits>();
  for (const code of new Set([...transaction.keys(), ...balance.keys()])) {
    const currency = currencies.get(code);
    if (currency === undefined) throw new Error(`CROUPIER_TRANSACTION_MAX / CROUPIER_BALANCE_MAX: unknown currency "${code}"`);
    const defaults = defaultMoneyLimits(currency);
    limits.set(code, { transactionMax: transaction.get(code) ?? defaults.transactionMax, balanceMax: balance.get(code) ?? defaults.balanceMax });
  }
  return limits;
}

function perCurrency(env: NodeJS.ProcessEnv, name: string): Map<string, bigint> {
  const text = env[name];
  const values = new Map<string, bigint>();
  if (text === undefined || text.trim() === '') return values;
  for (const pair of text.split(',')) {
    const match = /^\s*([A-Z]{3,5})\s*=\s*([1-9][0-9]{0,35})\s*$/.exec(pair);
    if (match === null) throw new Error(`${name} must be a comma list of CUR=minor units, e.g. EUR=500000000; got "${pair.slice(0, 64)}"`);
    values.set(match[1] as string, BigInt(match[2] as string));
  }
  return values;
}
