import { Pool } from 'undici';
import { funding, playerPrefix, type HttpBench } from './http-bench.js';

/** Requests in flight while seeding, over this many connections. */
const seedWorkers = 64;
const seedConnections = 32;

/** Registers and funds every player through the operator API, 64 requests at a time. */
export async function seedPlayers(bench: HttpBench, url: string): Promise<void> {
  const pool = new Pool(url, { connections: seedConnections, pipelining: 1 });
  const headers = { authorization: `Bearer ${bench.operatorKey}`, 'content-type': 'application/json' };
  const post = async (path: string, body: object, expected: number): Promise<void> => {
    const response = await pool.request({ method: 'POST', path, headers, body: JSON.stringify(body) });
    const text = await response.body.text();
    if (response.statusCode !== expected) throw new Error(`POST ${path}: ${response.statusCode} ${text}`);
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bench.options.players) {
      const playerId = `${playerPrefix}${next++}`;
      await post('/v1/players', { player_id: playerId, currency: 'EUR' }, 201);
      await post(`/v1/players/${playerId}/deposits`, { transaction_id: `seed-${playerId}`, amount: funding.toString() }, 200);
    }
  };
  try {
    await Promise.all(Array.from({ length: seedWorkers }, () => worker()));
  } finally {
    await pool.close();
  }
}
