// Goal: the closed loop of bench:http writes each connection's next request as the previous one
// is answered, not an event-loop turn later, and never puts two requests on one connection.
// Method: a local HTTP server counts the requests in flight on each socket, and undici's
// sendHeaders channel records when each request is written. Request n+1 must be written before
// the loop hears request n's answer. A loop that sends only after the answer (as undici's Pool
// does with pipelining 1) writes it after.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedLoop, loopConnection, type Answer, type Outgoing } from '../../bench/lib/closed-loop.js';

let server: Server;
let origin = '';
const inFlightBySocket = new Map<object, number>();
let inFlightMax = 0;
/** Requests in flight over all sockets, and the most seen at once. */
let inFlightTotal = 0;
let inFlightTotalMax = 0;
let served = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const socket = request.socket;
    const inFlight = (inFlightBySocket.get(socket) ?? 0) + 1;
    inFlightBySocket.set(socket, inFlight);
    inFlightMax = Math.max(inFlightMax, inFlight);
    inFlightTotal += 1;
    inFlightTotalMax = Math.max(inFlightTotalMax, inFlightTotal);
    request.resume();
    request.on('end', () => {
      // Answer on a later turn, as a service that commits first does.
      setImmediate(() => {
        inFlightBySocket.set(socket, (inFlightBySocket.get(socket) ?? 1) - 1);
        inFlightTotal -= 1;
        served += 1;
        response.writeHead(request.headers['x-n'] === '3' ? 409 : 200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  inFlightBySocket.clear();
  inFlightMax = 0;
  inFlightTotalMax = 0;
});

const outgoingNumbered = (): { next: () => Outgoing; sent: () => number } => {
  let n = 0;
  return {
    next: () => ({ path: '/bet', headers: { 'content-type': 'application/json', 'x-n': String(n++) }, body: '{"amount":"1"}' }),
    sent: () => n,
  };
};

describe('the closed loop of bench:http', () => {
  it('writes request n+1 before the loop hears the answer to request n, one request on the wire at a time', async () => {
    const order: string[] = [];
    const onSendHeaders = (message: unknown): void => {
      const headers = (message as { headers: string }).headers;
      order.push(`sent ${/x-n: (\d+)/.exec(headers)?.[1] ?? '?'}`);
    };
    subscribe('undici:client:sendHeaders', onSendHeaders);
    const client = loopConnection(origin);
    const { next, sent } = outgoingNumbered();
    const answers: Answer[] = [];
    const latencies: number[] = [];
    try {
      await closedLoop(
        client,
        next,
        () => answers.length >= 20,
        (answer, latencyMs) => {
          order.push(`answered ${answers.length}`);
          answers.push(answer);
          latencies.push(latencyMs);
        },
      );
    } finally {
      unsubscribe('undici:client:sendHeaders', onSendHeaders);
      await client.close();
    }

    // Stopping sends nothing more: the request queued when the stop came is answered too.
    expect(answers).toHaveLength(sent());
    expect(answers.map((answer) => answer.key)).toEqual(answers.map((_, n) => (n === 3 ? '409' : '200')));
    for (let n = 1; n < answers.length; n += 1) {
      const sentAt = order.indexOf(`sent ${n}`);
      expect(sentAt, `request ${n} was written`).toBeGreaterThanOrEqual(0);
      expect(sentAt, `request ${n} written before answer ${n - 1} was heard`).toBeLessThan(order.indexOf(`answered ${n - 1}`));
    }
    expect(inFlightMax).toBe(1);
    expect(latencies.every((latency) => latency >= 0)).toBe(true);
  });

  it('keeps many connections busy, each with its own requests, and answers every one sent', async () => {
    const clients = Array.from({ length: 8 }, () => loopConnection(origin));
    const { next, sent } = outgoingNumbered();
    let answered = 0;
    const servedBefore = served;
    await Promise.all(clients.map((client) => closedLoop(client, next, () => answered >= 200, () => (answered += 1))));
    await Promise.all(clients.map((client) => client.close()));
    expect(answered).toBe(sent());
    expect(served - servedBefore).toBe(sent());
    expect(inFlightMax).toBe(1);
    expect(inFlightBySocket.size).toBe(8);
    expect(inFlightTotalMax).toBeGreaterThan(1);
  });
});
