import type { Campaign } from './campaign.js';

export const bonusStates = ['queued', 'active', 'completed', 'forfeited', 'expired', 'depleted', 'cancelled'] as const;
export type BonusState = (typeof bonusStates)[number];

export const endStates: ReadonlySet<BonusState> = new Set(['completed', 'forfeited', 'expired', 'depleted', 'cancelled']);

/** States only move forward: queued → active → one end state (or queued → cancelled). */
const successors: Readonly<Record<BonusState, readonly BonusState[]>> = {
  queued: ['active', 'cancelled'],
  active: ['completed', 'forfeited', 'expired', 'depleted', 'cancelled'],
  completed: [],
  forfeited: [],
  expired: [],
  depleted: [],
  cancelled: [],
};

export function canMove(from: BonusState, to: BonusState): boolean {
  return successors[from].includes(to);
}

export interface BonusGrant {
  readonly grantId: string;
  readonly playerId: string;
  /** Order among the player's grants: queued grants activate in this order. */
  readonly position: number;
  /** The campaign's terms when granted. */
  readonly campaign: Campaign;
  readonly amount: bigint;
  readonly depositAmount: bigint;
  /** Wagering required before conversion. */
  readonly required: bigint;
  readonly grantedAt: number;
  state: BonusState;
  progress: bigint;
  activatedAt: number | null;
  expiresAt: number | null;
  endedAt: number | null;
  convertedAmount: bigint;
  forfeitedAmount: bigint;
  /** Rounds with a standing bonus-funded stake and no win yet: a win may still pay into the bonus. */
  readonly openRounds: Set<string>;
}

export function progressPercent(grant: BonusGrant): number {
  return wageringPercent(grant.progress, grant.required);
}

/** Wagering done as a percent of what is required: 0–100, two decimals, rounded down. */
export function wageringPercent(progress: bigint, required: bigint): number {
  if (required === 0n) return 100;
  const basisPoints = (progress * 10_000n) / required;
  return Math.min(100, Number(basisPoints) / 100);
}
