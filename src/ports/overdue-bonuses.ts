/** The expiry sweeper's one question to the store. */
export interface OverdueBonuses {
  /** Up to `limit` players whose active bonus expired at or before `now`. */
  playersWithOverdueBonus(now: Date, limit: number): Promise<string[]>;
}
