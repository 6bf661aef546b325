// Goal: one access line per request, at the level an operator expects: provider calls that
// succeed at debug (the ledger records each of them), refusals, errors and operator calls at info;
// each line carries the request id the client got back, and no headers or bodies.
// Method: the app as the service builds it, on in-memory PGlite, listening on 127.0.0.1, with a
// pino logger at info (as shipped) or at debug writing into memory; requests over fetch.
import { afterEach, describe, expect, it } from 'vitest';
import { capturedLogger, startTestApp, testOperatorKey, type TestApp } from '../support/http-app.js';
import { OperatorClient, ProviderClient } from '../support/http-provider-client.js';

const providerId = 'log-games';
const secret = 'log-games-secret-0123456789';

interface AccessLine {
  readonly level: number;
  readonly msg: string;
  readonly reqId: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly ms: number;
}

const levels = { debug: 20, info: 30 };
let started: TestApp | null = null;

afterEach(async () => {
  await started?.close();
  started = null;
});

async function appLoggingAt(level: 'info' | 'debug') {
  const captured = capturedLogger(level);
  started = await startTestApp({ providers: `${providerId}:${secret}`, logger: captured.logger, listen: true });
  const baseUrl = started.baseUrl as string;
  const operator = new OperatorClient(baseUrl, testOperatorKey);
  await operator.fundedPlayer('log-player', 1_000);
  const provider = new ProviderClient(baseUrl, providerId, secret);
  const accessLines = (): AccessLine[] =>
    captured
      .text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AccessLine)
      .filter((line) => line.msg === 'request');
  return { operator, provider, accessLines, text: captured.text };
}

const bet = { transaction_id: 'log-bet-1', player_id: 'log-player', round_id: 'log-round-1', game_id: 'slot', amount: '100', currency: 'EUR' };

describe('access lines', () => {
  it('at info: a line for each refusal and each operator call, none for provider calls that succeed', async () => {
    const { operator, provider, accessLines, text } = await appLoggingAt('info');
    const accepted = await provider.bet(bet);
    expect(accepted.status).toBe(200);
    const unsigned = await provider.bet({ ...bet, transaction_id: 'log-bet-2' }, { signature: '0'.repeat(64) });
    expect(unsigned.status).toBe(401);
    const tooMuch = await provider.bet({ ...bet, transaction_id: 'log-bet-3', amount: '1000000' });
    expect(tooMuch.status).toBe(422); // INSUFFICIENT_FUNDS
    const player = await operator.request('GET', '/v1/players/log-player');
    expect(player.status).toBe(200);

    const lines = accessLines();
    // The registration and the deposit of fundedPlayer, the two refusals, the player read.
    expect(lines.map((line) => [line.method, line.url, line.status, line.level])).toEqual([
      ['POST', '/v1/players', 201, levels.info],
      ['POST', '/v1/players/log-player/deposits', 200, levels.info],
      ['POST', '/v1/provider/bet', 401, levels.info],
      ['POST', '/v1/provider/bet', 422, levels.info],
      ['GET', '/v1/players/log-player', 200, levels.info],
    ]);
    expect(lines.map((line) => line.reqId).slice(2)).toEqual([unsigned, tooMuch, player].map((reply) => reply.headers.get('x-request-id')));
    for (const line of lines) expect(line.ms).toBeGreaterThanOrEqual(0);
    // No headers, no bodies: neither the signature, the operator key nor an amount sent.
    expect(text()).not.toContain(testOperatorKey);
    expect(text()).not.toContain('0'.repeat(64));
    expect(text()).not.toContain('log-bet-1');
  });

  it('at debug: provider calls that succeed get their line too, with the request id answered', async () => {
    const { provider, accessLines } = await appLoggingAt('debug');
    const accepted = await provider.bet(bet);
    const balance = await provider.balance('log-player');
    expect([accepted.status, balance.status]).toEqual([200, 200]);
    const providerLines = accessLines().filter((line) => line.url.startsWith('/v1/provider/'));
    expect(providerLines.map((line) => [line.url, line.status, line.level, line.reqId])).toEqual([
      ['/v1/provider/bet', 200, levels.debug, accepted.headers.get('x-request-id')],
      ['/v1/provider/balance', 200, levels.debug, balance.headers.get('x-request-id')],
    ]);
  });
});
