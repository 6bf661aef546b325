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

/** `import … from 'x'`, `export … from 'x'` and `import 'x'`; dynamic imports are read by dynamicImportsOf. */
const staticImportSpecifiers = [/(?:import|export)[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g];
/** Where the argument of a dynamic `import(` begins. */
const dynamicImportStart = /\bimport\s*\(\s*/g;
/** A plain string literal as the whole argument (import options may follow a comma). */
const plainArgument = /^(['"])([^'"\\\n]*)\1\s*[,)]/;
/** A template literal, substitutions and all. */
const templateArgument = /^`([^`]*)`/;

/** The problems found in the core (src/core unless another folder is given, as the tests do). */
export async function corePurityProblems(coreDir: string = defaultCoreDir): Promise<string[]> {
  const root = resolve(coreDir);
  const problems: string[] = [];
  for (const file of await typeScriptFiles(root)) {
    const shown = shownPath(file);
    const text = await readFile(file, 'utf8');
    const dynamic = dynamicImportsOf(text);
    for (const specifier of [...staticImportsOf(text), ...dynamic.specifiers]) {
      if (!staysInside(root, dirname(file), specifier)) problems.push(`${shown} imports "${specifier}" from outside ${shownPath(root)}`);
    }
    for (const argument of dynamic.hidden) problems.push(`${shown} imports by import(${argument}), not by a plain string literal`);
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

function staticImportsOf(text: string): string[] {
  return staticImportSpecifiers.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''));
}

/**
 * The specifiers of the dynamic imports, and the arguments that are not a plain string literal,
 * which hide where they lead. A template literal's text is resolved as written, substitutions
 * and all, so `../../store/${name}.js` is reported as leaving the core as well as hidden.
 */
function dynamicImportsOf(text: string): { readonly specifiers: string[]; readonly hidden: string[] } {
  const specifiers: string[] = [];
  const hidden: string[] = [];
  for (const start of text.matchAll(dynamicImportStart)) {
    const argument = text.slice(start.index + start[0].length);
    const plain = plainArgument.exec(argument);
    if (plain !== null) {
      specifiers.push(plain[2] ?? '');
      continue;
    }
    const template = templateArgument.exec(argument);
    if (template !== null) specifiers.push(template[1] ?? '');
    hidden.push(template?.[0] ?? argumentText(argument));
  }
  return { specifiers, hidden };
}

/** The source of an argument: up to the parenthesis that closes its import, or to the end of its line. */
function argumentText(rest: string): string {
  let depth = 0;
  for (let index = 0; index < rest.length && rest[index] !== '\n'; index += 1) {
    if (rest[index] === '(') depth += 1;
    if (rest[index] === ')') depth -= 1;
    if (depth < 0) return rest.slice(0, index).trim();
  }
  return (rest.split('\n', 1)[0] ?? '').trim();
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
