/**
 * A second, plain check that src/core stays pure, independent of lint configuration and of
 * inline eslint-disable comments: every import, in every file at any depth, resolves to a file
 * inside src/core, and no clock, randomness or environment is read.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryDir = fileURLToPath(new URL('../', import.meta.url));
const defaultCoreDir = join(repositoryDir, 'src', 'core');

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

/** `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`. */
const importSpecifiers = [/(?:import|export)[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]/g];

/** The problems found in the core (src/core unless another folder is given, as the tests do). */
export async function corePurityProblems(coreDir: string = defaultCoreDir): Promise<string[]> {
  const root = resolve(coreDir);
  const problems: string[] = [];
  for (const file of await typeScriptFiles(root)) {
    const shown = shownPath(file);
    const text = await readFile(file, 'utf8');
    for (const specifier of importsOf(text)) {
      if (!staysInside(root, dirname(file), specifier)) problems.push(`${shown} imports "${specifier}" from outside ${shownPath(root)}`);
    }
    for (const [pattern, what] of forbidden) {
      if (pattern.test(text)) problems.push(`${shown} ${what}`);
    }
  }
  return problems;
}

/** Every .ts file under the folder, at any depth. */
async function typeScriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function importsOf(text: string): string[] {
  return importSpecifiers.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''));
}

/** A relative import resolved against its file's folder must stay under the core; a package never does. */
function staysInside(root: string, fileDir: string, specifier: string): boolean {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return false;
  return resolve(fileDir, specifier).startsWith(root + sep);
}

function shownPath(path: string): string {
  const fromRepository = relative(repositoryDir, path);
  return fromRepository.startsWith('..') ? path : fromRepository;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = await corePurityProblems();
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log('src/core is pure: no imports from outside it, no clock, no randomness, no environment');
}
