// Goal: an operator call that moves money is audited in the same commit as the change (issue 14,
// point 17): the engine writes the call's audit row with the batch that applies it, and only when
// the command changed something (no row for a refusal or a replay).
// Method: the engine on PGlite; commands with an audit stamp; the audit_log rows afterwards; and a
// commit that fails (the store refuses it) leaves neither the deposit nor its audit row.
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { defaultEngineSettings } from '../../src/engine/limits.js';
import { LedgerStore } from '../../src/store/ledger-store.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';

const audit = (requestId: string, action: string) => ({ actor: 'key:0123456789ab', requestId, action });

describe('audit rows written by the engine', () => {
  let sql: SqlClient | undefined;
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.drain();
    await sql?.close();
  });

  async function start(client: SqlClient): Promise<Engine> {
    engine = await Engine.start(new LedgerStore(client), { ...defaultEngineSettings, partitionCount: 1 }, 'node', { now: () => new Date('2026-11-21T12:00:00Z') });
    return engine;
  }

  it('records an accepted operator command with its actor, request id and change; not a refusal or a replay', async () => {
    sql = await openPglite(null);
    await migrate(sql);
    const running = await start(sql);
    expect((await running.execute({ kind: 'register', playerId: 'p', currency: 'EUR', audit: audit('r1', 'player.register') })).ok).toBe(true);
    const deposit = { kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '2500', audit: audit('r2', 'player.deposit') } as const;
    expect((await running.execute(deposit)).ok).toBe(true);
    expect(await running.execute({ ...deposit, audit: audit('r3', 'player.deposit') })).toMatchObject({ ok: true, duplicate: true });
    expect(await running.execute({ kind: 'withdrawal', source: 'operator', transactionId: 'w1', playerId: 'p', amount: '9999', audit: audit('r4', 'player.withdrawal') })).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(await running.execute({ kind: 'block', playerId: 'p', audit: { actor: '', action: 'x' } })).toMatchObject({ ok: false, code: 'VALIDATION_ERROR' });
    const rows = await sql.query<{ actor: string; request_id: string; action: string; target: string; change: { kind: string; amount?: string } | string }>(
      `SELECT actor, request_id, action, target, change FROM audit_log ORDER BY audit_id`,
    );
    const changes = rows.map((row) => (typeof row.change === 'string' ? JSON.parse(row.change) : row.change));
    expect(rows.map(({ actor, request_id, action, target }) => ({ actor, request_id, action, target }))).toEqual([
      { actor: 'key:0123456789ab', request_id: 'r1', action: 'player.register', target: 'p' },
      { actor: 'key:0123456789ab', request_id: 'r2', action: 'player.deposit', target: 'p' },
    ]);
    expect(changes[1]).toMatchObject({ kind: 'deposit', transactionId: 'd1', amount: '2500' });
  });

  it('writes nothing of a deposit whose commit fails: neither the money nor its audit row', async () => {
    sql = await openPglite(null);
    await migrate(sql);
    const inner = sql;
    let failCommits = false;
    const failing: SqlClient = {
      ...inner,
      async query(text, params, name) {
        if (failCommits && name?.startsWith('croupier_commit_') === true) throw new Error('connection lost before the commit');
        return inner.query(text, params, name);
      },
    };
    const running = await start(failing);
    expect((await running.execute({ kind: 'register', playerId: 'p', currency: 'EUR' })).ok).toBe(true);
    failCommits = true;
    expect(await running.execute({ kind: 'deposit', source: 'operator', transactionId: 'd1', playerId: 'p', amount: '10', audit: audit('r1', 'player.deposit') })).toMatchObject({ code: 'UNAVAILABLE' });
    const counts = await sql.query<{ audits: string; transactions: string }>(`SELECT (SELECT count(*) FROM audit_log)::text AS audits, (SELECT count(*) FROM transactions)::text AS transactions`);
    expect(counts).toEqual([{ audits: '0', transactions: '0' }]);
  });
});
