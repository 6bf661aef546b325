import type { Croupier } from '../../src/croupier.js';
import type { EventRelay } from '../../src/bus/event-relay.js';
import type { SequencedEvent } from '../../src/engine/committed-batch.js';
import { ledgerId } from '../../src/store/ledger-store.js';
import { campaign } from './catalogue.js';

/** Deposits, a bonus, bets, wins, rollbacks and refusals for `players` players: every kind of event. */
export async function runRelayWorkload(croupier: Croupier, players: readonly string[], rounds: number, tag = ''): Promise<void> {
  await croupier.catalogue.saveCampaign(campaign({ campaignId: 'welcome', fixedAmount: 300n, wageringMultiplier: 2 }));
  await croupier.catalogue.saveGames([{ gameId: 'slot', providerId: null, category: 'slots', name: null }]);
  for (const playerId of players) {
    await croupier.execute({ kind: 'register', playerId, currency: 'EUR' });
    await croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `d-${playerId}${tag}`, playerId, amount: '100000' });
  }
  await croupier.execute({ kind: 'grant_bonus', playerId: players[0]!, grantId: `g${tag}`, campaignId: 'welcome' });
  for (let round = 0; round < rounds; round += 1) {
    await Promise.all(
      players.map(async (playerId) => {
        const move = { source: 'prov', playerId, roundId: `r${round}${tag}`, gameId: 'slot', currency: 'EUR' };
        await croupier.execute({ kind: 'bet', ...move, transactionId: `b-${playerId}-${round}${tag}`, amount: '100' });
        if (round % 3 === 1) await croupier.execute({ kind: 'rollback', source: 'prov', playerId, roundId: `r${round}${tag}`, transactionId: `x-${playerId}-${round}${tag}`, referenceTransactionId: `b-${playerId}-${round}${tag}` });
        else await croupier.execute({ kind: 'win', ...move, transactionId: `w-${playerId}-${round}${tag}`, amount: String(round * 40) });
      }),
    );
  }
  await croupier.execute({ kind: 'withdrawal', source: 'operator', transactionId: `too-much${tag}`, playerId: players[1] ?? players[0]!, amount: '999999999' });
}

/** Every committed event of every partition, read back from the store, as the ids the relay publishes. */
export async function storedEventIds(croupier: Croupier, partitionCount: number): Promise<Map<number, string[]>> {
  const ids = new Map<number, string[]>();
  for (let partition = 0; partition < partitionCount; partition += 1) {
    const events: SequencedEvent[] = [];
    for (let after = -1n; ; ) {
      const page = await croupier.events.read({ partition, afterSequence: after, limit: 1000 });
      if (page.length === 0) break;
      events.push(...page);
      after = page.at(-1)!.sequence;
    }
    if (events.length > 0) ids.set(partition, events.map((item) => String(ledgerId(partition, item.sequence))));
  }
  return ids;
}

/**
 * Waits until the relay is idle and has published past the last event the store holds for
 * each partition: the observer hands batches over a turn or more after their commands answer,
 * later still on a loaded machine.
 */
export async function waitUntilIdle(relay: EventRelay, timeoutMs = 30_000, croupier?: Croupier): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (relay.idle && (croupier === undefined || (await publishedPastStore(relay, croupier)))) return;
    if (Date.now() > deadline) throw new Error(`relay not idle after ${timeoutMs} ms: ${JSON.stringify(relay.figures(), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))}`);
  }
}

async function publishedPastStore(relay: EventRelay, croupier: Croupier): Promise<boolean> {
  for (const partition of relay.figures().partitions) {
    const ids = (await storedEventIds(croupier, partition.partition + 1)).get(partition.partition) ?? [];
    const last = ids.at(-1);
    if (last !== undefined && BigInt(last) - ledgerId(partition.partition, 0n) >= partition.publishedNext) return false;
  }
  return true;
}
