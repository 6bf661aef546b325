/** Every limit of webhook delivery, by name (docs/webhooks.md lists them with their variables). */
export interface WebhookSettings {
  /** One request's whole time: connect, send, and the answer's status line. */
  readonly requestTimeoutMs: number;
  /** Requests in flight at once, all endpoints together. */
  readonly concurrencyMax: number;
  /** Attempts before a delivery is `failed`. */
  readonly attemptsMax: number;
  /** Past this age a delivery that fails again is `failed`, whatever its attempts. */
  readonly deliveryAgeMsMax: number;
  /** Backoff before attempt n + 1: a random wait in [0, min(backoffMsMax, backoffBaseMs * 2^n)) (full jitter). */
  readonly backoffBaseMs: number;
  readonly backoffMsMax: number;
  /** Pending deliveries an endpoint may have; past it the endpoint is suspended. */
  readonly pendingPerEndpointMax: number;
  /** How often due deliveries are looked for when nothing wakes the sender sooner. */
  readonly pollMs: number;
  /** Delivered and failed deliveries are deleted this long after their last change... */
  readonly deliveryRetentionMs: number;
  /** ...by a sweep this often, of at most `pruneBatchMax` rows at a time. */
  readonly pruneMs: number;
  readonly pruneBatchMax: number;
  /** Events read back from the store per page when the dispatcher catches up. */
  readonly catchUpPageSize: number;
  /** The breaker opens when this percentage of an endpoint's recent calls failed, once there were `breakerVolumeThreshold` of them... */
  readonly breakerErrorPercentage: number;
  readonly breakerVolumeThreshold: number;
  /** ...and lets one probe through (half-open) after this long. */
  readonly breakerResetMs: number;
}

export const defaultWebhookSettings: WebhookSettings = {
  requestTimeoutMs: 5_000,
  concurrencyMax: 16,
  attemptsMax: 10,
  deliveryAgeMsMax: 24 * 60 * 60 * 1000,
  backoffBaseMs: 1_000,
  backoffMsMax: 10 * 60 * 1000,
  pendingPerEndpointMax: 10_000,
  pollMs: 1_000,
  catchUpPageSize: 1_000,
  deliveryRetentionMs: 7 * 24 * 60 * 60 * 1000,
  pruneMs: 60 * 60 * 1000,
  pruneBatchMax: 10_000,
  breakerErrorPercentage: 50,
  breakerVolumeThreshold: 5,
  breakerResetMs: 30_000,
};

/** Relations between the limits, asserted at start-up. */
export function checkWebhookSettings(settings: WebhookSettings): void {
  const positive: (keyof WebhookSettings)[] = ['requestTimeoutMs', 'concurrencyMax', 'attemptsMax', 'deliveryAgeMsMax', 'backoffBaseMs', 'backoffMsMax', 'pendingPerEndpointMax', 'pollMs', 'catchUpPageSize', 'deliveryRetentionMs', 'pruneMs', 'pruneBatchMax', 'breakerVolumeThreshold', 'breakerResetMs'];
  for (const name of positive) {
    if (!Number.isSafeInteger(settings[name]) || settings[name] < 1) throw new Error(`webhook setting ${name} must be a positive integer (got ${settings[name]})`);
  }
  if (settings.backoffBaseMs > settings.backoffMsMax) throw new Error('webhook setting backoffBaseMs must not exceed backoffMsMax');
  if (settings.catchUpPageSize > 10_000) throw new Error('webhook setting catchUpPageSize must not exceed the event log page (10000)');
  if (settings.deliveryRetentionMs < settings.deliveryAgeMsMax) throw new Error('webhook setting deliveryRetentionMs must not be below deliveryAgeMsMax: a failed delivery stays visible at least as long as it was tried');
  if (settings.breakerErrorPercentage < 1 || settings.breakerErrorPercentage > 100) throw new Error('webhook setting breakerErrorPercentage must be 1..100');
}
