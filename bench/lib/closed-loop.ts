/**
 * The closed loop of the load generator: each connection sends its next request the moment the
 * previous one is answered.
 *
 * undici (7.x) does not do that on its own. When a keep-alive socket finishes a response and
 * no request is queued on it, the next request written to it waits for a setImmediate: a
 * Client with pipelining 1 always waits one event-loop turn before it reuses a socket, and a
 * socket that went idle is checked for unsolicited bytes first (GHSA-35p6-xmwp-9g52). A load
 * generator's poll phase reads hundreds of answers, so the requests those answers started
 * reached the server only after the whole phase, all at once. A service that batches its
 * commits then sat idle with nothing queued, waiting for the generator, 16% of a bet window
 * (docs/benchmarks.md).
 *
 * Here every connection is its own Client, and its next request is queued behind the one
 * running, so undici writes it as it finishes the answer. Its pipelining is 2 only so that it
 * resumes at once. undici never pipelines a POST behind a running request, because a POST is
 * not idempotent, so each connection still has one request on the wire
 * (test/bench/closed-loop.test.ts).
 */
import { Client, type Dispatcher } from 'undici';

export interface Outgoing {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** An answered request: its HTTP status (or "error:CODE" when none came) and when, in performance.now() ms. */
export interface Answer {
  readonly key: string;
  readonly status: number | null;
  readonly at: number;
}

/** POSTs and reads the answer to its end. */
export async function post(dispatcher: Dispatcher, outgoing: Outgoing): Promise<Answer> {
  try {
    const response = await dispatcher.request({ method: 'POST', ...outgoing });
    await response.body.dump();
    return { key: String(response.statusCode), status: response.statusCode, at: performance.now() };
  } catch (error) {
    return { key: `error:${(error as { code?: string }).code ?? 'unknown'}`, status: null, at: performance.now() };
  }
}

export function loopConnection(origin: string): Client {
  return new Client(origin, { pipelining: 2, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
}

/**
 * Keeps one request queued behind the running one until `stopped`. A request's latency runs
 * from the previous answer to its own (the first one's from now). undici wrote it a few ticks
 * before the previous answer reached this loop, so the figure is low by those microseconds.
 */
export async function closedLoop(
  client: Client,
  next: () => Outgoing,
  stopped: () => boolean,
  answered: (answer: Answer, latencyMs: number) => void,
): Promise<void> {
  let sentAt = performance.now();
  let queued: Promise<Answer> | null = post(client, next());
  while (queued !== null) {
    const running: Promise<Answer> = queued;
    queued = stopped() ? null : post(client, next());
    const answer = await running;
    answered(answer, answer.at - sentAt);
    sentAt = answer.at;
  }
}
