import type { DomainErrorCode } from './result.js';
import type { PlayerStatus } from './player.js';

export interface Balance {
  readonly cash: bigint;
  readonly bonus: bigint;
}

/** The bonus being wagered, as a player sees it. */
export interface ActiveBonus {
  readonly grantId: string;
  readonly campaignId: string;
  readonly progress: bigint;
  readonly required: bigint;
  /** progress / required, 0–100, two decimals. */
  readonly percent: number;
  readonly expiresAt: number | null;
}

export interface Accepted {
  readonly ok: true;
  readonly playerId: string;
  readonly currency: string;
  /** Null for commands that carry no transaction id (balance, register, block). */
  readonly transactionId: string | null;
  /** True when this answers a replay of an already applied transaction id. */
  readonly duplicate: boolean;
  readonly balance: Balance;
  readonly status: PlayerStatus;
  readonly activeBonus: ActiveBonus | null;
}

export interface Refused {
  readonly ok: false;
  readonly code: DomainErrorCode;
  readonly message: string;
}

export type Outcome = Accepted | Refused;

export function refused(code: DomainErrorCode, message: string): Refused {
  return { ok: false, code, message };
}
