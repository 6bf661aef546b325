import CircuitBreaker from 'opossum';
import type { AttemptResult, Delivery, Webhook, WebhookStorage } from '../ports/webhook-storage.js';
import { signatureHeader, signatureOf } from './signature.js';
import type { WebhookSettings } from './webhook-settings.js';

export interface SenderOptions {
  readonly storage: WebhookStorage;
  readonly settings: WebhookSettings;
  readonly endpoint: (webhookId: string) => Webhook | undefined;
  readonly now: () => Date;
  /** A number in [0, 1): the jitter's randomness, injectable for tests. */
  readonly random?: () => number;
  readonly warn?: (fields: Record<string, unknown>, message: string) => void;
}

const openBreakerCode = 'EOPENBREAKER';

/**
 * Sends due deliveries: at most `concurrencyMax` requests at once, each behind its endpoint's
 * circuit breaker and bounded by `requestTimeoutMs`. A failed attempt is retried after an
 * exponential backoff with full jitter until `attemptsMax` or `deliveryAgeMsMax`, then the
 * delivery is `failed` with its last error; a delivery whose breaker is open waits for the
 * half-open probe without an attempt counted.
 */
export class WebhookSender {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly breakers = new Map<string, CircuitBreaker<[Webhook, Delivery], void>>();
  private readonly openings = new Map<string, number>();
  /** Deliveries settled while a read of due ones ran: that read may hold them as they were before. */
  private settledDuringRead = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private stopped = false;

  constructor(private readonly options: SenderOptions) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.settings.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (new ones were recorded, or a request finished). */
  wake(): void {
    if (this.stopped) return;
    if (this.polling !== null) {
      this.pollAgain = true;
      return;
    }
    this.polling = this.poll()
      .catch((error: unknown) => this.options.warn?.({ err: error }, 'webhook deliveries could not be read; retrying at the next poll'))
      .finally(() => {
        this.polling = null;
        if (this.pollAgain) {
          this.pollAgain = false;
          this.wake();
        }
      });
  }

  /** Stops polling and waits for the requests in flight (each bounded by its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.polling;
    await Promise.all(this.inFlight.values());
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }

  /** Whether the endpoint's breaker is open now, and how often it opened (for logs and tests). */
  breakerOf(webhookId: string): { readonly open: boolean; readonly openings: number } {
    return { open: this.breakers.get(webhookId)?.opened ?? false, openings: this.openings.get(webhookId) ?? 0 };
  }

  /** Drops the breakers of endpoints no longer registered. */
  forgetOthers(registered: ReadonlyMap<string, unknown>): void {
    for (const [webhookId, breaker] of this.breakers) {
      if (registered.has(webhookId)) continue;
      breaker.shutdown();
      this.breakers.delete(webhookId);
      this.openings.delete(webhookId);
    }
  }

  private async poll(): Promise<void> {
    const free = this.options.settings.concurrencyMax - this.inFlight.size;
    if (free <= 0) return;
    this.settledDuringRead = new Set();
    const due = await this.options.storage.due(this.options.now(), free + this.inFlight.size);
    for (const delivery of due) {
      if (this.inFlight.size >= this.options.settings.concurrencyMax) break;
      const key = `${delivery.webhookId}:${delivery.eventId}`;
      if (this.inFlight.has(key) || this.settledDuringRead.has(key)) continue;
      const endpoint = this.options.endpoint(delivery.webhookId);
      if (endpoint === undefined) continue;
      const attempt = this.attempt(endpoint, delivery)
        .catch((error: unknown) => this.options.warn?.({ err: error, webhook: delivery.webhookId }, 'webhook delivery outcome not recorded; it stays pending'))
        .finally(() => {
          this.inFlight.delete(key);
          this.settledDuringRead.add(key);
          this.wake();
        });
      this.inFlight.set(key, attempt);
    }
  }

  private async attempt(endpoint: Webhook, delivery: Delivery): Promise<void> {
    const result = await this.sendThroughBreaker(endpoint, delivery);
    await this.options.storage.settle(delivery, result);
  }

  private async sendThroughBreaker(endpoint: Webhook, delivery: Delivery): Promise<AttemptResult> {
    try {
      await this.breakerFor(endpoint).fire(endpoint, delivery);
      return { kind: 'delivered' };
    } catch (error) {
      if (codeOf(error) === openBreakerCode) return { kind: 'deferred', nextAttemptAt: this.later(this.options.settings.breakerResetMs) };
      return this.afterFailure(delivery, messageOf(error));
    }
  }

  private afterFailure(delivery: Delivery, error: string): AttemptResult {
    const { attemptsMax, deliveryAgeMsMax, backoffBaseMs, backoffMsMax } = this.options.settings;
    const attempts = delivery.attempts + 1;
    const ageMs = this.options.now().getTime() - delivery.createdAt.getTime();
    if (attempts >= attemptsMax || ageMs >= deliveryAgeMsMax) return { kind: 'failed', error };
    return { kind: 'retry', error, nextAttemptAt: this.later(backoffMs(attempts, backoffBaseMs, backoffMsMax, this.options.random ?? Math.random)) };
  }

  private later(delayMs: number): Date {
    return new Date(this.options.now().getTime() + delayMs);
  }

  private breakerFor(endpoint: Webhook): CircuitBreaker<[Webhook, Delivery], void> {
    let breaker = this.breakers.get(endpoint.webhookId);
    if (breaker === undefined) {
      const { breakerErrorPercentage, breakerVolumeThreshold, breakerResetMs, requestTimeoutMs } = this.options.settings;
      // The request's own timeout aborts it; the breaker's would only stop waiting for it.
      breaker = new CircuitBreaker((target: Webhook, delivery: Delivery) => post(target, delivery, requestTimeoutMs, this.options.now()), {
        timeout: false,
        errorThresholdPercentage: breakerErrorPercentage,
        volumeThreshold: breakerVolumeThreshold,
        resetTimeout: breakerResetMs,
      });
      breaker.on('open', () => {
        this.openings.set(endpoint.webhookId, (this.openings.get(endpoint.webhookId) ?? 0) + 1);
        this.options.warn?.({ webhook: endpoint.webhookId }, 'webhook endpoint failing: circuit breaker open');
      });
      this.breakers.set(endpoint.webhookId, breaker);
    }
    return breaker;
  }
}

/** Full jitter: a random wait below the exponential bound (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.floor(random() * ceiling);
}

/** One signed POST; resolves on a 2xx answer, rejects with what went wrong otherwise. */
async function post(endpoint: Webhook, delivery: Delivery, timeoutMs: number, now: Date): Promise<void> {
  const signature = signatureOf(endpoint.secret, delivery.body, Math.floor(now.getTime() / 1000));
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [signatureHeader]: signature, 'x-croupier-event-id': String(delivery.eventId), 'x-croupier-event-type': delivery.eventType },
    body: delivery.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  // The answer's body is not read: only its status matters, and an endpoint must not make us hold it.
  await response.body?.cancel();
  if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/** What a failed attempt records: the error and, for a network failure, its cause. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 500);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}${cause}`.slice(0, 500);
}
