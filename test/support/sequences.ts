import fc from 'fast-check';
import type { CommandInput } from '../../src/core/commands.js';

/** Random wallet sessions: bets, wins, rollbacks, deposits, withdrawals, bonus, replays. */
type Step =
  | { t: 'bet' | 'win'; p: number; round: number; amount: number }
  | { t: 'rollback'; p: number; round: number; ref: number; policy: 'ok' | 'error' }
  | { t: 'deposit' | 'withdrawal'; p: number; amount: number; code: boolean }
  | { t: 'grant_bonus'; p: number; campaign: 'welcome' | 'spins'; amount: number }
  | { t: 'cancel_bonus'; p: number; of: number }
  | { t: 'replay' | 'altered_replay'; of: number }
  | { t: 'block' | 'unblock' | 'balance'; p: number };

export const playerCount = 3;
const player = fc.nat({ max: playerCount - 1 });
const round = fc.nat({ max: 2 });

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('bet' as const), p: player, round, amount: fc.integer({ min: 1, max: 350 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('win' as const), p: player, round, amount: fc.integer({ min: 0, max: 900 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('rollback' as const), p: player, round, ref: fc.nat(), policy: fc.constantFrom('ok' as const, 'error' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('deposit' as const, 'withdrawal' as const), p: player, amount: fc.integer({ min: 1, max: 1000 }), code: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('grant_bonus' as const), p: player, campaign: fc.constantFrom('welcome' as const, 'spins' as const), amount: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel_bonus' as const), p: player, of: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constantFrom('replay' as const, 'altered_replay' as const), of: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('block' as const, 'unblock' as const, 'balance' as const), p: player }) },
);

export const sessions = fc.array(step, { minLength: 1, maxLength: 120, size: 'medium' });

/**
 * Turns steps into commands for players `${prefix}p0..`: every new transaction gets its own id;
 * rollbacks reference a bet id of the same player (earlier, later, or never sent).
 */
export function materialise(steps: readonly Step[], prefix: string): CommandInput[] {
  const betIds = new Map<number, string[]>();
  const betRounds = new Map<string, number>();
  steps.forEach((item, index) => {
    if (item.t !== 'bet') return;
    betIds.set(item.p, [...(betIds.get(item.p) ?? []), `${prefix}t${index}`]);
    betRounds.set(`${prefix}t${index}`, item.round);
  });
  const commands: CommandInput[] = [];
  steps.forEach((item, index) => {
    const playerId = `${prefix}p${'p' in item ? item.p : 0}`;
    const transactionId = `${prefix}t${index}`;
    switch (item.t) {
      case 'bet':
      case 'win':
        commands.push({ kind: item.t, source: 'prov', transactionId, playerId, roundId: `r${item.round}`, gameId: ['slot', 'blackjack', 'roulette', 'unknown-game'][item.amount % 4] as string, amount: String(item.amount), currency: 'EUR' });
        break;
      case 'rollback': {
        const candidates = [...(betIds.get(item.p) ?? []), `${prefix}ghost${index}`];
        const reference = candidates[item.ref % candidates.length] as string;
        // Mostly the bet's own round; now and then another one, which must be refused.
        const roundId = `r${item.ref % 7 === 0 ? item.round : (betRounds.get(reference) ?? item.round)}`;
        commands.push({ kind: 'rollback', source: 'prov', transactionId, playerId, roundId, referenceTransactionId: reference, unknownBet: item.policy });
        break;
      }
      case 'deposit':
      case 'withdrawal':
        commands.push({ kind: item.t, source: 'operator', transactionId, playerId, amount: String(item.amount), ...(item.t === 'deposit' && item.code ? { bonusCode: 'MATCH100' } : {}) });
        break;
      case 'grant_bonus':
        commands.push({ kind: 'grant_bonus', playerId, grantId: `${prefix}g${index}`, campaignId: item.campaign, amount: item.campaign === 'spins' ? String(item.amount) : null });
        break;
      case 'cancel_bonus': {
        const grants = steps.flatMap((other, at) => (other.t === 'grant_bonus' && other.p === item.p ? [`${prefix}g${at}`] : []));
        commands.push({ kind: 'cancel_bonus', playerId, grantId: grants[item.of % Math.max(grants.length, 1)] ?? `${prefix}no-grant` });
        break;
      }
      case 'replay':
      case 'altered_replay': {
        const earlier = commands.filter((command) => 'transactionId' in command && command.kind !== 'rollback' && command.kind !== 'cancel_bonus');
        const original = earlier[item.of % Math.max(earlier.length, 1)];
        if (original === undefined) break;
        const amount = item.t === 'altered_replay' ? String(Number(original.amount) + 1) : original.amount;
        commands.push({ ...original, amount });
        break;
      }
      default:
        commands.push({ kind: item.t, playerId });
    }
  });
  return commands;
}

/** Registers the players and funds them: cash for all, and a welcome bonus for the second one. */
export function registrations(prefix: string): CommandInput[] {
  return Array.from({ length: playerCount }, (_, index): CommandInput[] => [
    { kind: 'register', playerId: `${prefix}p${index}`, currency: 'EUR' },
    { kind: 'deposit', source: 'operator', transactionId: `${prefix}seed-d${index}`, playerId: `${prefix}p${index}`, amount: '1500' },
    ...(index === 1 ? [{ kind: 'grant_bonus' as const, playerId: `${prefix}p${index}`, grantId: `${prefix}seed-g${index}`, campaignId: 'welcome' }] : []),
  ]).flat();
}
