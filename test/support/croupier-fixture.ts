import { afterAll, beforeAll } from 'vitest';
import type { Croupier, CroupierOptions } from '../../src/croupier.js';
import type { CommandInput } from '../../src/core/commands.js';
import type { Outcome } from '../../src/core/outcome.js';
import type { StoreUnderTest } from './stores.js';
import { createTestCroupier, type TestCroupier } from './test-croupier.js';

/** One croupier on a fresh store for the enclosing describe block. */
export function useCroupier(store: StoreUnderTest, options: Partial<CroupierOptions> = {}): () => TestCroupier {
  let croupier: TestCroupier | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const fresh = store.fresh();
    cleanup = fresh.cleanup;
    croupier = await createTestCroupier({ ...fresh.options, ...options });
  });
  afterAll(async () => {
    await croupier?.close();
    await cleanup?.();
  });
  return () => croupier ?? expectUnreachable();
}

function expectUnreachable(): never {
  throw new Error('croupier used outside its describe block');
}

export async function funded(croupier: Croupier, playerId: string, cash: bigint | number, currency = 'EUR'): Promise<void> {
  await mustAccept(croupier, { kind: 'register', playerId, currency });
  if (BigInt(cash) > 0n) await mustAccept(croupier, { kind: 'deposit', source: 'operator', transactionId: `fund-${playerId}`, playerId, amount: BigInt(cash) });
}

export async function mustAccept(croupier: Croupier, input: CommandInput): Promise<Outcome & { ok: true }> {
  const outcome = await croupier.execute(input);
  if (!outcome.ok) throw new Error(`expected ${input.kind} to be accepted, got ${outcome.code}: ${outcome.message}`);
  return outcome;
}

export async function storedBalance(croupier: TestCroupier, playerId: string): Promise<{ cash: string; bonus: string } | undefined> {
  const rows = await croupier.sql.query<{ cash: string; bonus: string }>('SELECT cash::text, bonus::text FROM players WHERE player_id = $1', [playerId]);
  return rows[0];
}

export async function count(croupier: TestCroupier, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await croupier.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM (${sql}) AS counted`, params);
  return Number(rows[0]?.n);
}
