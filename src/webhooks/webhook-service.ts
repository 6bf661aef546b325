import type { Subscription } from '../engine/committed-batch.js';
import type { Croupier } from '../croupier.js';
import type { Webhook, WebhookChange } from '../ports/webhook-storage.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookSender } from './webhook-sender.js';
import { checkWebhookSettings, defaultWebhookSettings, type WebhookSettings } from './webhook-settings.js';

export interface WebhookServiceOptions {
  readonly settings?: Partial<WebhookSettings>;
  /** How often endpoints are re-read (registrations made through other nodes). */
  readonly endpointRefreshMs?: number;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly warn?: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * Operator webhooks on one node: the dispatcher turns committed events into delivery rows, the
 * sender delivers them (docs/webhooks.md). Endpoints are held in memory, re-read after each
 * change made through this node and every `endpointRefreshMs`.
 */
export class WebhookService {
  private endpoints: readonly Webhook[] = [];
  private byId = new Map<string, Webhook>();
  private subscription: Subscription | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<unknown> = Promise.resolve();
  private unwatch: (() => void) | null = null;
  /** Counts changes applied from `watch`: a re-read that began before one may not show it. */
  private changes = 0;

  private constructor(
    private readonly croupier: Croupier,
    readonly settings: WebhookSettings,
    private readonly dispatcher: WebhookDispatcher,
    readonly sender: WebhookSender,
  ) {}

  static async start(croupier: Croupier, options: WebhookServiceOptions = {}): Promise<WebhookService> {
    const settings = { ...defaultWebhookSettings, ...options.settings };
    checkWebhookSettings(settings);
    const now = options.now ?? (() => new Date());
    let service: WebhookService | null = null;
    const endpoints = () => service?.endpoints ?? [];
    const sender = new WebhookSender({
      storage: croupier.webhooks,
      settings,
      endpoint: (webhookId) => service?.byId.get(webhookId),
      now,
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.warn === undefined ? {} : { warn: options.warn }),
    });
    const dispatcher = new WebhookDispatcher({
      storage: croupier.webhooks,
      events: croupier.events,
      endpoints,
      pendingPerEndpointMax: settings.pendingPerEndpointMax,
      catchUpPageSize: settings.catchUpPageSize,
      now,
      recorded: () => sender.wake(),
    });
    service = new WebhookService(croupier, settings, dispatcher, sender);
    await service.refresh();
    service.unwatch = croupier.webhooks.watch((change) => service?.apply(change));
    // Subscribed before catching up: a batch committed meanwhile is either read back or notified, and recorded once.
    service.subscription = croupier.subscribe(dispatcher);
    await dispatcher.start();
    sender.start();
    service.refreshTimer = setInterval(() => void service?.refresh().catch(() => undefined), options.endpointRefreshMs ?? 5_000);
    service.refreshTimer.unref();
    service.pruneTimer = setInterval(() => service?.startPrune(now), settings.pruneMs);
    service.pruneTimer.unref();
    return service;
  }

  /** Re-reads the endpoints; a read overtaken by a change made through this node is not applied. */
  async refresh(): Promise<void> {
    const changesBefore = this.changes;
    const all = await this.croupier.webhooks.all();
    if (this.changes !== changesBefore) return;
    this.use(all);
  }

  /** A change made through this node, applied before its route answers. */
  private apply(change: WebhookChange): void {
    this.changes += 1;
    if (change.kind === 'created') this.use([...this.endpoints.filter((webhook) => webhook.webhookId !== change.webhook.webhookId), change.webhook]);
    else this.use(this.endpoints.filter((webhook) => webhook.webhookId !== change.webhookId));
  }

  private use(all: readonly Webhook[]): void {
    this.endpoints = all;
    this.byId = new Map(all.map((webhook) => [webhook.webhookId, webhook]));
    this.sender.forgetOthers(this.byId);
  }

  /** Deletes delivered and failed deliveries past their retention: one bounded batch per sweep. */
  prune(now: () => Date = () => new Date()): Promise<number> {
    const before = new Date(now().getTime() - this.settings.deliveryRetentionMs);
    return this.croupier.webhooks.prune(before, this.settings.pruneBatchMax);
  }

  private startPrune(now: () => Date): void {
    this.pruning = this.pruning.then(() => this.prune(now)).catch(() => undefined);
  }

  breakerOf(webhookId: string): { readonly open: boolean; readonly openings: number } {
    return this.sender.breakerOf(webhookId);
  }

  /** Stops taking committed batches, waits for requests in flight, records progress held in memory. */
  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    this.unwatch?.();
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    if (this.pruneTimer !== null) clearInterval(this.pruneTimer);
    await this.pruning;
    await this.sender.stop();
    await this.dispatcher.flush();
  }
}
