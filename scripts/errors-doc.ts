/**
 * Renders docs/errors.md from the error registry: `npx tsx scripts/errors-doc.ts --write`.
 * A test compares the committed file with this rendering, so the two never drift apart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { errorRegistry } from '../src/api/error-registry.js';

export const errorsDocPath = new URL('../docs/errors.md', import.meta.url);

export function renderErrorsDoc(): string {
  const rows = Object.entries(errorRegistry).map(([code, { status, description }]) => `| \`${code}\` | ${status} | ${description} |`);
  return [
    '# Error codes',
    '',
    'Every refusal, from the provider API and the operator API alike, has this shape:',
    '',
    '```json',
    '{"error": {"code": "INSUFFICIENT_FUNDS", "message": "player p-1 has 500, needs 1000"}}',
    '```',
    '',
    'The `code` is stable and is what callers should branch on; the `message` is for people and may',
    'change. The HTTP status is fixed per code (`src/api/error-registry.ts`, the one map both APIs',
    'use). A refused operation moves no money. `UNAVAILABLE` and `INTERNAL_ERROR` mean the outcome',
    'may be unknown: retry with the same transaction id, which is always safe.',
    '',
    'Limits of the HTTP layer, the same for both APIs: a body of at most 16 KiB (16384 bytes,',
    '`PAYLOAD_TOO_LARGE` above), sent as `application/json` (`UNSUPPORTED_MEDIA_TYPE` otherwise);',
    'a request line and headers of at most 16 KiB (`HEADERS_TOO_LARGE`); the whole request within',
    '10 s (`REQUEST_TIMEOUT`). A JSON body may not repeat a key in one object, and its numbers must',
    'be integers written without fraction or exponent, of at most 2^53 - 1: send larger amounts as',
    'strings of digits (`VALIDATION_ERROR` otherwise). A refused provider signature says which check',
    'failed (docs/architecture.md §5). Messages repeat at most 200 characters of a URL.',
    '',
    '| code | HTTP status | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--write')) await writeFile(errorsDocPath, renderErrorsDoc());
  else process.stdout.write(renderErrorsDoc() === (await readFile(errorsDocPath, 'utf8')) ? 'docs/errors.md is current\n' : 'docs/errors.md is stale\n');
}
