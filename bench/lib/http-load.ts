/**
 * The load generator of bench/http.ts, run in its own process:
 *   node --import tsx bench/lib/http-load.ts '<LoadConfig as JSON>'
 *
 * Sends signed provider bets (POST, JSON body, X-Provider-Id / X-Timestamp / X-Signature =
 * hex HMAC-SHA256(secret, timestamp + "." + raw body)) over `connections` keep-alive
 * connections, one request at a time on each. Every request is a new
 * bet: a unique transaction and round id, a player drawn uniformly (or Zipf, `zipf` > 0), an
 * amount of 1..100 minor units.
 *
 * - closed loop: `connections` requests in flight, each connection sends its next request as
 *   the previous one is answered (bench/lib/closed-loop.ts); latency = answer − send.
 * - open loop: requests start at a fixed rate (`rate` per second, spread evenly, dispatched by a
 *   1 ms timer) whatever the answers, over an undici Pool; latency = answer − the request's
 *   scheduled start, so queueing in the client counts too (no coordinated omission).
 *
 * stdout, one JSON object per line: {"t":"measure"} when the measured window opens (after the
 * warm-up), then {"t":"done", ...LoadResult} once the window closed and in-flight requests ended.
 */
import { writeSync } from 'node:fs';
import { Pool, type Dispatcher } from 'undici';
import { closedLoop, loopConnection, post, type Answer, type Outgoing } from './closed-loop.js';
import { sign } from '../../src/api/provider/signature.js';
import { mulberry32, ZipfSampler } from './random.js';
import { round, Samples } from './stats.js';

export interface LoadConfig {
  readonly origin: string;
  readonly path: string;
  readonly providerId: string;
  readonly secret: string;
  readonly players: number;
  readonly playerPrefix: string;
  readonly zipf: number;
  readonly seed: number;
  /** Makes ids unique to this run and phase. */
  readonly idPrefix: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly mode: 'closed' | 'open';
  /** Requests per second, open loop only. */
  readonly rate?: number;
}

export interface LoadResult {
  readonly ops: number;
  readonly windowSeconds: number;
  readonly opsPerSecond: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** Answers by HTTP status in the measured window; errors without an answer under "error:CODE". */
  readonly statuses: Record<string, number>;
  /** Requests answered 200 over the whole run (warm-up and drain included). */
  readonly ok200Total: number;
  readonly sentTotal: number;
  /** Cores this process used in the measured window. */
  readonly selfCpu: number;
  /** Requests sent in the measured window (open loop: the offered load). */
  readonly sentInWindow: number;
  /** Open loop: how far behind schedule the dispatcher fell at worst (ms). */
  readonly dispatchLagMaxMs: number;
  /** Each second of the measured window: answers, p99 and max latency (ms). */
  readonly perSecond: readonly { readonly ops: number; readonly p99: number; readonly max: number }[];
}

function emit(line: object): void {
  writeSync(1, `${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as LoadConfig;
  const tally = new LoadTally(requestFactory(config));
  const inFlight = new Set<Promise<void>>();
  const track = (promise: Promise<void>): void => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  };
  const connections = config.mode === 'closed' ? startClosedLoop(config, tally, track) : [startOpenLoop(config, tally, track)];

  await new Promise((resolve) => setTimeout(resolve, config.warmupSeconds * 1000));
  emit({ t: 'measure' });
  const cpuStart = process.cpuUsage();
  tally.windowStart = performance.now();
  tally.measuring = true;
  tally.dispatchLagMaxMs = 0;
  await new Promise((resolve) => setTimeout(resolve, config.seconds * 1000));
  tally.measuring = false;
  const windowSeconds = (performance.now() - tally.windowStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  tally.stopped = true;
  const drained = await Promise.race([Promise.allSettled([...inFlight]).then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000))]);
  // close() would wait for a request still unanswered after the drain's limit; destroy() does not.
  await Promise.all(connections.map((connection) => (drained ? connection.close() : connection.destroy()).catch(() => undefined)));
  emit({ t: 'done', ...tally.result(windowSeconds, cpu) });
  process.exit(0);
}

/** Builds each next signed bet: a new transaction and round, a drawn player, 1..100 minor units. */
function requestFactory(config: LoadConfig): () => Outgoing {
  const random = mulberry32(config.seed);
  const zipf = config.zipf > 0 ? new ZipfSampler(config.players, config.zipf, random) : null;
  const playerIds = Array.from({ length: config.players }, (_, index) => `${config.playerPrefix}${index}`);
  let timestamp = '';
  let timestampSecond = -1;
  let sequence = 0;
  return (): Outgoing => {
    const n = sequence++;
    const player = playerIds[zipf === null ? Math.floor(random() * config.players) : zipf.next()] as string;
    const body = `{"transaction_id":"${config.idPrefix}-${n}","player_id":"${player}","round_id":"${config.idPrefix}-r${n}","game_id":"bench-game","amount":"${1 + Math.floor(random() * 100)}","currency":"EUR"}`;
    const second = Math.floor(Date.now() / 1000);
    if (second !== timestampSecond) {
      timestampSecond = second;
      timestamp = String(second);
    }
    // Croupier's own HMAC (checked against createHmac by test/api/signature.test.ts): createHmac's
    // per-call native object lengthens this process's scavenges, and in the open loop its pauses
    // would count as the service's latency.
    const signature = sign(config.secret, timestamp, body);
    return {
      path: config.path,
      body,
      headers: { 'content-type': 'application/json', 'x-provider-id': config.providerId, 'x-timestamp': timestamp, 'x-signature': signature },
    };
  };
}

/** What was sent and answered: every request, and latencies and statuses inside the measured window. */
class LoadTally {
  private readonly samples = new Samples();
  private readonly seconds: Samples[] = [];
  private readonly statuses: Record<string, number> = {};
  private measured = 0;
  private ok200Total = 0;
  private sentTotal = 0;
  private sentInWindow = 0;
  windowStart = 0;
  measuring = false;
  stopped = false;
  dispatchLagMaxMs = 0;

  constructor(private readonly request: () => Outgoing) {}

  /** The next request to send (arrow properties: the loops take them as callbacks). */
  readonly outgoing = (): Outgoing => {
    this.sentTotal += 1;
    if (this.measuring) this.sentInWindow += 1;
    return this.request();
  };

  readonly answered = (answer: Answer, latencyMs: number): void => {
    if (answer.status === 200) this.ok200Total += 1;
    if (!this.measuring) return;
    this.measured += 1;
    this.samples.add(latencyMs);
    const second = Math.floor((answer.at - this.windowStart) / 1000);
    (this.seconds[second] ??= new Samples()).add(latencyMs);
    this.statuses[answer.key] = (this.statuses[answer.key] ?? 0) + 1;
  };

  result(windowSeconds: number, cpu: NodeJS.CpuUsage): LoadResult {
    const [p50 = Number.NaN, p90 = Number.NaN, p99 = Number.NaN, max = Number.NaN] = this.samples.percentiles(0.5, 0.9, 0.99, 1);
    return {
      ops: this.measured,
      windowSeconds: round(windowSeconds, 3),
      opsPerSecond: round(this.measured / windowSeconds, 1),
      p50: round(p50, 3),
      p90: round(p90, 3),
      p99: round(p99, 3),
      max: round(max, 3),
      statuses: this.statuses,
      ok200Total: this.ok200Total,
      sentTotal: this.sentTotal,
      sentInWindow: this.sentInWindow,
      selfCpu: round((cpu.user + cpu.system) / 1e6 / windowSeconds, 3),
      dispatchLagMaxMs: round(this.dispatchLagMaxMs, 1),
      perSecond: Array.from(this.seconds, (second) => {
        const [p99s = Number.NaN, maxs = Number.NaN] = second?.percentiles(0.99, 1) ?? [];
        return { ops: second?.count ?? 0, p99: round(p99s, 1), max: round(maxs, 1) };
      }),
    };
  }
}

/** The closed loop: one connection per request in flight, each sending as the previous answer arrives. */
function startClosedLoop(config: LoadConfig, tally: LoadTally, track: (promise: Promise<void>) => void): Dispatcher[] {
  const connections: Dispatcher[] = [];
  for (let index = 0; index < config.connections; index += 1) {
    const connection = loopConnection(config.origin);
    connections.push(connection);
    track(closedLoop(connection, tally.outgoing, () => tally.stopped, tally.answered));
  }
  return connections;
}

/** The open loop: requests start on a timer, whatever the answers; any idle connection of a pool takes one. */
function startOpenLoop(config: LoadConfig, tally: LoadTally, track: (promise: Promise<void>) => void): Dispatcher {
  const pool = new Pool(config.origin, { connections: config.connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const send = async (startedAt: number): Promise<void> => {
    const answer = await post(pool, tally.outgoing());
    tally.answered(answer, answer.at - startedAt);
  };
  const rate = config.rate ?? 0;
  if (!(rate > 0)) throw new Error('open loop needs a rate > 0');
  const startedAt = performance.now();
  const interval = 1000 / rate;
  let dispatched = 0;
  const tick = (): void => {
    if (tally.stopped) return;
    const now = performance.now();
    const due = Math.floor((now - startedAt) / interval) + 1;
    if (due - dispatched > 1) tally.dispatchLagMaxMs = Math.max(tally.dispatchLagMaxMs, now - (startedAt + dispatched * interval));
    for (; dispatched < due; dispatched += 1) track(send(startedAt + dispatched * interval));
    setTimeout(tick, 1);
  };
  tick();
  return pool;
}

main().catch((error: unknown) => {
  process.stderr.write(`http-load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
