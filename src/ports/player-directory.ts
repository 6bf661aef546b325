/** A committed player as the operator's list shows it; amounts in minor units. */
export interface PlayerListing {
  readonly playerId: string;
  readonly currency: string;
  readonly status: 'active' | 'blocked';
  readonly cash: bigint;
  readonly bonus: bigint;
  readonly createdAt: Date;
}

/** What a page of players is narrowed to; null leaves a filter out. */
export interface PlayerFilter {
  readonly status: 'active' | 'blocked' | null;
  readonly currency: string | null;
  /** Players created at or after this time. */
  readonly createdSince: Date | null;
  /** Players whose id starts with these characters, taken literally (no wildcards). */
  readonly idPrefix: string | null;
}

/** The most players one page holds, whatever limit the caller asks for. */
export const playerPageMax = 200;

/** Committed players, read straight from the store, in id order (ids compare bytewise). */
export interface PlayerDirectory {
  /** `after` is the id of the last player of the previous page. */
  page(filter: PlayerFilter, limit: number, after: string | null): Promise<PlayerListing[]>;
}
