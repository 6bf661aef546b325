import { connect } from 'node:net';

/** An answer read off a socket: status, lower-cased headers and the body as text. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/** How long a raw exchange may take before the test gives up on it (the server's own limit is 10 s). */
const rawExchangeMsMax = 5_000;

/**
 * Sends `bytes` as they are to 127.0.0.1:`port` and reads until the server closes the
 * connection, for what app.inject() cannot send: oversized headers and request lines, and bytes
 * Node's HTTP parser refuses. A well-formed request must carry `Connection: close`.
 */
export function rawExchange(port: number, bytes: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${rawExchangeMsMax} ms`));
    }, rawExchangeMsMax);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer is fine: the server closes a connection it cannot parse.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parsedAnswer(Buffer.concat(chunks).toString('utf8')));
    });
    socket.write(bytes);
  });
}

function parsedAnswer(text: string): RawAnswer {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, text: split < 0 ? '' : text.slice(split + 4) };
}

/** The bytes of one HTTP/1.1 request that closes its connection; `headers` are written in order. */
export function rawRequest(method: string, path: string, headers: Readonly<Record<string, string>>, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
