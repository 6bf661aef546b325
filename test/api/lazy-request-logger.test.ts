// Goal: the request logger writes exactly what a pino child bound to the request id writes, and
// makes no child for a request that writes nothing.
// Method: a pino logger at info into memory, wrapped by lazyRequestLogger; its lines and the
// parent's child() calls are counted.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { lazyRequestLogger } from '../../src/api/lazy-request-logger.js';

function memoryLogger(level: string): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level, base: null, timestamp: false }, sink);
  const lines = () => chunks.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}

describe('lazyRequestLogger', () => {
  it('makes no child and writes nothing for levels below the logger’s', () => {
    const { logger, lines } = memoryLogger('info');
    const child = vi.spyOn(logger, 'child');
    const request = lazyRequestLogger(logger as FastifyBaseLogger, { reqId: 'r1' }, {});
    request.debug({ url: '/v1/provider/bet' }, 'request');
    request.trace('hidden');
    expect(child).not.toHaveBeenCalled();
    expect(lines()).toEqual([]);
    expect(request.level).toBe('info');
  });

  it('writes lines bound to the request id, with a child made once', () => {
    const { logger, lines } = memoryLogger('info');
    const child = vi.spyOn(logger, 'child');
    const request = lazyRequestLogger(logger as FastifyBaseLogger, { reqId: 'r2' }, {});
    request.info({ status: 400 }, 'request');
    request.error(new Error('boom'), 'request failed');
    request.warn('plain message');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines().map(({ level, reqId, status, msg }) => ({ level, reqId, status, msg }))).toEqual([
      { level: 30, reqId: 'r2', status: 400, msg: 'request' },
      { level: 50, reqId: 'r2', status: undefined, msg: 'request failed' },
      { level: 40, reqId: 'r2', status: undefined, msg: 'plain message' },
    ]);
    expect(lines()[1]?.err).toMatchObject({ message: 'boom' });
  });

  it('passes bindings on to its own children, and honours a level set on it', () => {
    const { logger, lines } = memoryLogger('info');
    const request = lazyRequestLogger(logger as FastifyBaseLogger, { reqId: 'r3' }, {});
    request.child({ operatorKey: 'k-1' }).info('operator call');
    request.level = 'debug';
    request.debug('now written');
    expect(lines().map(({ reqId, operatorKey, msg }) => ({ reqId, operatorKey, msg }))).toEqual([
      { reqId: 'r3', operatorKey: 'k-1', msg: 'operator call' },
      { reqId: 'r3', operatorKey: undefined, msg: 'now written' },
    ]);
  });

  it('takes a level set before it has written anything', () => {
    const { logger, lines } = memoryLogger('info');
    const request = lazyRequestLogger(logger as FastifyBaseLogger, { reqId: 'r5' }, {});
    request.level = 'debug';
    request.debug('written at debug');
    expect(request.level).toBe('debug');
    expect(logger.level).toBe('info');
    expect(lines().map(({ reqId, msg }) => ({ reqId, msg }))).toEqual([{ reqId: 'r5', msg: 'written at debug' }]);
  });

  it('makes the child at once when the route asks for its own level', () => {
    const { logger, lines } = memoryLogger('info');
    const child = vi.spyOn(logger, 'child');
    const request = lazyRequestLogger(logger as FastifyBaseLogger, { reqId: 'r4' }, { level: 'debug' });
    expect(child).toHaveBeenCalledTimes(1);
    request.debug('route at debug');
    expect(lines().map(({ reqId, msg }) => ({ reqId, msg }))).toEqual([{ reqId: 'r4', msg: 'route at debug' }]);
  });
});
