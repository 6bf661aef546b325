/** Hosts a plain-HTTP webhook may name, when plain HTTP is allowed at all. */
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface UrlPolicy {
  /** http:// to a loopback host (development and tests); https:// is always accepted. */
  readonly allowLoopbackHttp: boolean;
}

/** Plain HTTP to this machine is allowed with CROUPIER_WEBHOOKS_ALLOW_HTTP=1, or whenever NODE_ENV is not production. */
export function urlPolicyOf(environment: NodeJS.ProcessEnv): UrlPolicy {
  return { allowLoopbackHttp: environment['CROUPIER_WEBHOOKS_ALLOW_HTTP'] === '1' || environment['NODE_ENV'] !== 'production' };
}

export const webhookUrlLengthMax = 2048;

/** Null when the URL is acceptable, otherwise what is wrong with it. */
export function urlProblem(text: string, policy: UrlPolicy): string | null {
  if (text.length > webhookUrlLengthMax) return `url must be at most ${webhookUrlLengthMax} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'url must not carry credentials: deliveries are authenticated by their signature';
  if (url.hash !== '') return 'url must not have a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return 'url must be https://';
  if (!policy.allowLoopbackHttp) return 'url must be https:// (plain http:// to 127.0.0.1 or localhost needs CROUPIER_WEBHOOKS_ALLOW_HTTP=1 in production)';
  return loopbackHosts.has(url.hostname) ? null : 'url must be https://; plain http:// is accepted only to 127.0.0.1, [::1] or localhost';
}
