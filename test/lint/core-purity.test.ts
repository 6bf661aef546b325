// Goal: the lint step really keeps src/core pure. Method: lint sample sources as if they lived
// in src/core and check each forbidden dependency is reported; then check the real core is clean.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { corePurityProblems } from '../../scripts/check-core-purity.js';

const eslint = new ESLint();

async function problemsIn(source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: 'src/core/sample.ts' });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('core purity', () => {
  it.each([
    ["import { readFile } from 'node:fs/promises'; export const r = readFile;", 'no-restricted-imports'],
    ["import pg from 'pg'; export const p = pg;", 'no-restricted-imports'],
    ["import { PGlite } from '@electric-sql/pglite'; export const p = PGlite;", 'no-restricted-imports'],
    ["import { Engine } from '../engine/engine.js'; export const e = Engine;", 'no-restricted-imports'],
    ['export const t = Date.now();', 'no-restricted-properties'],
    ['export const t = new Date();', 'no-restricted-syntax'],
    ['export const r = Math.random();', 'no-restricted-properties'],
    ['export const id = crypto.randomUUID();', 'no-restricted-globals'],
    ['export const e = process.env.X;', 'no-restricted-globals'],
  ])('reports %s', async (source, rule) => {
    expect(await problemsIn(source)).toContain(rule);
  });

  it('finds nothing impure in the real src/core', async () => {
    expect(await corePurityProblems()).toEqual([]);
    const results = await eslint.lintFiles(['src/core/**/*.ts']);
    expect(results.flatMap((result) => result.messages.map((message) => `${result.filePath}: ${message.message}`))).toEqual([]);
  });
});
