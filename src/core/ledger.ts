import { assert } from './result.js';

/** Player accounts carry the player id; house and world accounts are one per currency. */
export type PlayerAccount = 'cash' | 'bonus';
export type HouseAccount = 'house:games' | 'house:bonus' | 'world:payments';
export type Account = PlayerAccount | HouseAccount;

export interface Posting {
  readonly account: Account;
  /** Set for player accounts, null for house and world accounts. */
  readonly playerId: string | null;
  /** Signed minor units: positive credits the account, negative debits it. */
  readonly amount: bigint;
}

export function playerPosting(playerId: string, account: PlayerAccount, amount: bigint): Posting {
  return { account, playerId, amount };
}

export function housePosting(account: HouseAccount, amount: bigint): Posting {
  return { account, playerId: null, amount };
}

/** Zero legs are noise in the ledger: they are dropped before the legs are balanced. */
export function legs(...postings: Posting[]): Posting[] {
  const nonZero = postings.filter((posting) => posting.amount !== 0n);
  assertBalanced(nonZero);
  return nonZero;
}

/** Every transaction's legs sum to zero (one currency per transaction). */
function assertBalanced(postings: readonly Posting[]): void {
  const sum = postings.reduce((total, posting) => total + posting.amount, 0n);
  assert(sum === 0n, `postings sum to ${sum}, not zero`);
}
