// Goal: the lint step really keeps src/core pure, in every folder at any depth. Method: lint
// sample sources as if they lived in src/core (and in its subfolders) and check each forbidden
// dependency is reported, dynamic imports not given a plain string literal among them; run the
// plain checker over a fixture core written to a temporary folder, with the same escapes nested
// two and three levels down; then check the real core is clean.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corePurityProblems } from '../../scripts/check-core-purity.js';

const eslint = new ESLint();

async function problemsIn(source: string, filePath = 'src/core/sample.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

/** A core file two folders down that reaches into the store and reads the clock. */
const nestedSample = "import { LedgerStore } from '../../store/ledger-store.js';\nexport const store = LedgerStore;\nexport const t = Date.now();\n";

/** A core file a folder down whose dynamic imports hide where they lead: a template literal (one leaving the core), a computed name. */
const dynamicSample = [
  'export const load = async (name: string): Promise<unknown[]> => [',
  '  await import(`../../store/ledger-store.js`),',
  '  await import(`./${name}.js`),',
  "  await import('./' + name),",
  '];',
  '',
].join('\n');

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

  it('reports a nested core file that imports the store and reads the clock', async () => {
    const problems = await problemsIn(nestedSample, 'src/core/bonus/__purity-sample.ts');
    expect(problems).toContain('croupier/core-imports-stay-inside');
    expect(problems).toContain('no-restricted-imports');
    expect(problems).toContain('no-restricted-properties');
  });

  it('reports every dynamic import not given a plain string literal, and a template literal that leaves src/core', async () => {
    const [result] = await eslint.lintText(dynamicSample, { filePath: 'src/core/bonus/__dynamic-sample.ts' });
    expect((result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`)).toEqual([
      'croupier/core-imports-stay-inside: src/core imports by a plain string literal only: import(`../../store/ledger-store.js`) hides where it leads.',
      'croupier/core-imports-stay-inside: src/core depends on nothing outside it: "../../store/ledger-store.js" is not in src/core.',
      'croupier/core-imports-stay-inside: src/core imports by a plain string literal only: import(`./${name}.js`) hides where it leads.',
      "croupier/core-imports-stay-inside: src/core imports by a plain string literal only: import('./' + name) hides where it leads.",
    ]);
  });

  it.each([
    ["import { x } from '../../../croupier.js'; export const y = x;", 'src/core/bonus/deep/sample.ts'],
    ["export * from '../../../api/errors.js';", 'src/core/bonus/deep/sample.ts'],
    ["export const m = import('../../main.js');", 'src/core/bonus/sample.ts'],
    ["import { x } from 'typebox'; export const y = x;", 'src/core/bonus/sample.ts'],
  ])('reports an import that leaves src/core at any depth: %s from %s', async (source, filePath) => {
    expect(await problemsIn(source, filePath)).toContain('croupier/core-imports-stay-inside');
  });

  it('lets a nested core file import another core file', async () => {
    expect(await problemsIn("import { legs } from '../ledger.js';\nexport const l = legs;\n", 'src/core/bonus/sample.ts')).toEqual([]);
  });

  describe('the plain checker, over a fixture core', () => {
    let fixtureDir = '';
    let coreDir = '';
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(coreDir, path)), { recursive: true });
      writeFileSync(join(coreDir, path), text);
    };

    beforeAll(() => {
      fixtureDir = mkdtempSync(join(tmpdir(), 'croupier-purity-'));
      coreDir = join(fixtureDir, 'core');
      write('ledger.ts', 'export const legs = 1;\n');
      write('bonus/__purity-sample.ts', nestedSample);
      write('bonus/inside.ts', "import { legs } from '../ledger.js';\nexport const l = legs;\n");
      write('bonus/deep/escape.ts', "export * from '../../../api/errors.js';\nexport { legs } from '../../ledger.js';\n");
      write('bonus/__dynamic-sample.ts', dynamicSample);
    });
    afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));

    it('reports what the nested files import from outside, the dynamic imports that hide where they lead and the clock read, and nothing else', async () => {
      const problems = await corePurityProblems(coreDir);
      const dynamicFile = join(coreDir, 'bonus/__dynamic-sample.ts');
      expect(problems).toEqual([
        `${dynamicFile} imports "../../store/ledger-store.js" from outside ${coreDir}`,
        `${dynamicFile} imports by import(\`../../store/ledger-store.js\`), not by a plain string literal`,
        `${dynamicFile} imports by import(\`./\${name}.js\`), not by a plain string literal`,
        `${dynamicFile} imports by import('./' + name), not by a plain string literal`,
        `${join(coreDir, 'bonus/__purity-sample.ts')} imports "../../store/ledger-store.js" from outside ${coreDir}`,
        `${join(coreDir, 'bonus/__purity-sample.ts')} reads the clock`,
        `${join(coreDir, 'bonus/deep/escape.ts')} imports "../../../api/errors.js" from outside ${coreDir}`,
      ]);
    });
  });

  it('finds nothing impure in the real src/core', async () => {
    expect(await corePurityProblems()).toEqual([]);
    const results = await eslint.lintFiles(['src/core/**/*.ts']);
    expect(results.flatMap((result) => result.messages.map((message) => `${result.filePath}: ${message.message}`))).toEqual([]);
  });
});
