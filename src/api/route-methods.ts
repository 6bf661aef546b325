import type { RouteOptions } from 'fastify';

/**
 * The methods each registered path takes, so that a request for a path that exists, with a
 * method it does not take, is answered 405 with an Allow header instead of 404. Fed by an
 * onRoute hook; read only on the not-found path, so a linear scan of the few routes is enough.
 */
export class RouteMethods {
  private readonly routes = new Map<string, { readonly pattern: RegExp; readonly methods: Set<string> }>();

  add(route: Pick<RouteOptions, 'url' | 'method'>): void {
    let known = this.routes.get(route.url);
    if (known === undefined) {
      known = { pattern: patternOf(route.url), methods: new Set() };
      this.routes.set(route.url, known);
    }
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) known.methods.add(method);
    // Fastify answers HEAD wherever it answers GET.
    if (known.methods.has('GET')) known.methods.add('HEAD');
  }

  /** The methods `path` (no query) is taken with, sorted; empty when no route has this path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes.values()) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

/** `/v1/players/:player_id` as a regular expression: a parameter is one segment, `*` the rest. */
function patternOf(url: string): RegExp {
  const segments = url.split('/').map((segment) => {
    if (segment.startsWith(':')) return '[^/]+';
    if (segment === '*') return '.*';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}$`);
}
