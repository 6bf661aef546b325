/**
 * A second, plain check that src/core stays pure, independent of lint configuration and of
 * inline eslint-disable comments: every import stays inside src/core, and no clock, randomness
 * or environment is read.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const coreDir = new URL('../src/core/', import.meta.url).pathname;
const forbidden: readonly [RegExp, string][] = [
  [/\bDate\.now\b/, 'reads the clock'],
  [/\bnew Date\(\s*\)/, 'reads the clock'],
  [/\bperformance\.now\b/, 'reads the clock'],
  [/\bMath\.random\b/, 'uses randomness'],
  [/\brandomUUID\b|\bgetRandomValues\b|\brandomBytes\b/, 'uses randomness'],
  [/\bprocess\./, 'reads the process environment'],
  [/\bsetTimeout\b|\bsetInterval\b/, 'uses timers'],
  [/eslint-disable/, 'disables the lint rules that keep it pure'],
];

export async function corePurityProblems(): Promise<string[]> {
  const problems: string[] = [];
  for (const file of (await readdir(coreDir)).filter((name) => name.endsWith('.ts'))) {
    const text = await readFile(join(coreDir, file), 'utf8');
    for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      const specifier = match[1] ?? '';
      if (!specifier.startsWith('./')) problems.push(`src/core/${file} imports "${specifier}" from outside src/core`);
    }
    for (const [pattern, what] of forbidden) {
      if (pattern.test(text)) problems.push(`src/core/${file} ${what}`);
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = await corePurityProblems();
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log('src/core is pure: no imports from outside it, no clock, no randomness, no environment');
}
