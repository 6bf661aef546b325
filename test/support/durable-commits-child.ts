/**
 * The process test/store/pglite-durability.test.ts traces with strace: the engine on a PGlite
 * folder, one player, then N deposits, each awaited (acknowledged) before the next is sent.
 * Prints "acknowledged <i>" after each. Run as
 *   node --import tsx test/support/durable-commits-child.ts <data folder> <N>
 */
import { createCroupier } from '../../src/croupier.js';

const [dataDir, countText] = process.argv.slice(2);
if (dataDir === undefined || countText === undefined) throw new Error('usage: durable-commits-child.ts <data folder> <N>');
const croupier = await createCroupier({ dataDir, expirySweepMs: 0 });
try {
  const registered = await croupier.execute({ kind: 'register', playerId: 'p', currency: 'EUR' });
  if (!registered.ok) throw new Error(`register refused: ${JSON.stringify(registered)}`);
  for (let index = 1; index <= Number(countText); index += 1) {
    const outcome = await croupier.execute({ kind: 'deposit', source: 'operator', transactionId: `d${index}`, playerId: 'p', amount: '100' });
    if (!outcome.ok) throw new Error(`deposit ${index} refused: ${JSON.stringify(outcome)}`);
    process.stdout.write(`acknowledged ${index}\n`);
  }
} finally {
  await croupier.close();
}
