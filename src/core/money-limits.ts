import { amountMax, currencies, type Currency } from './money.js';

/** How much money one command may move, and how much a player may hold, in one currency. */
export interface MoneyLimits {
  /** The most one deposit, withdrawal, bet, win or bonus may carry (minor units). */
  readonly transactionMax: bigint;
  /** The most a player's cash + bonus may reach (minor units); never above amountMax, so a balance always fits the API's amount format. */
  readonly balanceMax: bigint;
}

/** Limits by currency code; a currency left out has its default. */
export type MoneyLimitTable = ReadonlyMap<string, MoneyLimits>;

/**
 * Defaults in whole units: a million per transaction and a hundred million held for the fiat
 * currencies (JPY and KRW a hundred times that), far above any stake or win a casino takes and
 * far below what would overflow anything; the crypto currencies by what a coin is worth.
 */
const defaultsInWholeUnits: ReadonlyMap<string, { readonly transaction: bigint; readonly balance: bigint }> = new Map([
  ['JPY', { transaction: 100_000_000n, balance: 10_000_000_000n }],
  ['KRW', { transaction: 1_000_000_000n, balance: 100_000_000_000n }],
  ['BTC', { transaction: 100n, balance: 10_000n }],
  ['ETH', { transaction: 1_000n, balance: 100_000n }],
]);
const fiatDefault = { transaction: 1_000_000n, balance: 100_000_000n };

export function defaultMoneyLimits(currency: Currency): MoneyLimits {
  const whole = defaultsInWholeUnits.get(currency.code) ?? fiatDefault;
  const unit = 10n ** BigInt(currency.scale);
  return { transactionMax: whole.transaction * unit, balanceMax: whole.balance * unit };
}

export function limitsFor(table: MoneyLimitTable, currency: Currency): MoneyLimits {
  return table.get(currency.code) ?? defaultMoneyLimits(currency);
}

/** The table with every known currency, configured or default: what the docs and the OpenAPI show. */
export function effectiveLimits(table: MoneyLimitTable): Map<string, MoneyLimits> {
  return new Map([...currencies.values()].map((currency) => [currency.code, limitsFor(table, currency)]));
}

/** Why a configured table cannot be used, or null: a limit is positive, and transaction ≤ balance ≤ amountMax. */
export function moneyLimitsProblem(table: MoneyLimitTable): string | null {
  for (const [code, limits] of table) {
    if (!currencies.has(code)) return `unknown currency ${code}`;
    if (limits.transactionMax <= 0n) return `${code}: the transaction maximum must be positive`;
    if (limits.transactionMax > limits.balanceMax) return `${code}: the transaction maximum is above the balance maximum`;
    if (limits.balanceMax > amountMax) return `${code}: the balance maximum is above ${amountMax}, the largest amount the API carries`;
  }
  return null;
}
