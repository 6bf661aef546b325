/** What a GGR report's rows are per, besides their currency. */
export const ggrGroupings = ['provider', 'game', 'currency', 'day'] as const;
export type GgrGrouping = (typeof ggrGroupings)[number];

/**
 * The ledger's sums over a time range for one group and currency, in minor units, each what
 * moved on the player's side (cash + bonus) by transactions of one kind:
 * - bets: stakes taken; wins: what wins paid (a win's bonus share the house kept is not paid);
 * - rollbacks: stakes returned;
 * - bonusCredited: bonus money credited when grants activated;
 * - bonusConverted: the cash completed bonuses turned into;
 * - bonusForfeited: bonus money that went back to the house (forfeits, and what a conversion's cap left).
 */
export interface GgrSums {
  /** The provider, game (a rollback counts for its bet's game) or UTC day (YYYY-MM-DD); null for a currency report, and for bonus money, which has no provider or game. */
  readonly group: string | null;
  readonly currency: string;
  readonly bets: bigint;
  readonly wins: bigint;
  readonly rollbacks: bigint;
  readonly bonusCredited: bigint;
  readonly bonusConverted: bigint;
  readonly bonusForfeited: bigint;
}

/** The longest range one report covers. */
export const reportRangeDaysMax = 366;
/** The most rows one report answers; a report with more must be narrowed. */
export const reportRowsMax = 10_000;

/** Sums of the committed ledger for reports, read straight from the store. */
export interface GgrReader {
  /** Transactions created in [from, to), by group and currency; at most `rowsMax + 1` rows (one more says there are too many). */
  ggr(from: Date, to: Date, groupBy: GgrGrouping, rowsMax: number): Promise<GgrSums[]>;
}
