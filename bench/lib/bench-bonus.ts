import type { Croupier } from '../../src/croupier.js';
import { mulberry32 } from './random.js';
import { benchCurrency, benchGame, benchSource, playerIdOf } from './workload.js';

/** Share of players who wager an active bonus in the `bonus30` variant. */
const bonusPlayerShare = 0.3;

/**
 * Gives a bonus to a seeded-random 30% of the players: a large fixed bonus with a wagering
 * requirement no run reaches, so that every one of their bets is a wagering bet (bonus-first
 * debit, contribution, progress) for the whole measured window. Returns how many got one.
 */
export async function grantBonuses(croupier: Croupier, players: number, seed: number): Promise<number> {
  await croupier.catalogue.saveGames([{ gameId: benchGame, providerId: benchSource, category: 'slots', name: null }]);
  await croupier.catalogue.saveCampaign({
    campaignId: 'bench-bonus',
    name: 'bench bonus',
    type: 'fixed',
    currency: benchCurrency,
    code: null,
    matchPercent: 0,
    matchCap: 0n,
    minDeposit: 0n,
    fixedAmount: 1_000_000_000n,
    wageringMultiplier: 1000,
    wageringBase: 'bonus',
    contributions: { slots: 100, table: 10 },
    defaultContribution: 0,
    maxBet: null,
    maxConversion: null,
    validityMs: 30 * 86_400_000,
    forfeitOnWithdrawal: false,
    maxGrantsPerPlayer: null,
    fundsOrder: 'bonus_first',
    activeFrom: 0,
    activeUntil: null,
  });
  const random = mulberry32(seed + 7);
  const chosen = Array.from({ length: players }, (_, index) => index).filter(() => random() < bonusPlayerShare);
  const outcomes = await Promise.all(chosen.map((index) => croupier.execute({ kind: 'grant_bonus', playerId: playerIdOf(index), grantId: 'bench', campaignId: 'bench-bonus' })));
  const refused = outcomes.find((outcome) => !outcome.ok);
  if (refused !== undefined && !refused.ok) throw new Error(`granting bonuses was refused: ${refused.code} ${refused.message}`);
  return chosen.length;
}
