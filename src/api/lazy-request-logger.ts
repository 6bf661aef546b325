import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Write = (...args: unknown[]) => void;

/**
 * Fastify's `childLoggerFactory`: a request's logger that becomes a pino child (bound to the
 * request id) only when it first writes a line. pino builds a child eagerly, serialising its
 * bindings through the redaction paths, and most requests never log: a provider call that
 * succeeds logs at debug. That child was about 4 µs of every request.
 */
export function lazyRequestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const enabled = (parent as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  // Per-route levels or serializers, or a logger that cannot say what it writes: the usual child.
  if (Object.keys(options).length > 0 || typeof enabled !== 'function') return parent.child(bindings, options);
  return new LazyChild(parent, bindings, (level) => enabled.call(parent, level)) as unknown as FastifyBaseLogger;
}

class LazyChild {
  private made: FastifyBaseLogger | null = null;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly enabled: (level: Level) => boolean,
  ) {}

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }

  private write(level: Level, args: unknown[]): void {
    if (this.made === null && !this.enabled(level)) return;
    (this.logger()[level] as Write).apply(this.made, args);
  }

  private logger(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings);
    return this.made;
  }
}
