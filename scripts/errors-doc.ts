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
