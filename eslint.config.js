import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), 'src', 'core');

/**
 * Every import of a core file, at any depth, resolves to a file inside src/core: a relative
 * import is resolved against the file's own folder, so `../../store/x.js` from src/core/bonus/
 * is caught as surely as `../store/x.js` from src/core/. A package is never inside. A dynamic
 * import takes a plain string literal, since any other argument hides where it leads; a template
 * literal's text is still resolved as written, so `../../store/${name}.js` is reported as leaving too.
 */
const coreImportsStayInside = {
  meta: { type: 'problem', docs: { description: 'src/core imports only from src/core' }, schema: [] },
  create(context) {
    const check = (node, specifier) => {
      const relativeImport = specifier.startsWith('./') || specifier.startsWith('../');
      if (relativeImport && resolve(dirname(context.filename), specifier).startsWith(coreDir + sep)) return;
      context.report({ node, message: `src/core depends on nothing outside it: "${specifier}" is not in src/core.` });
    };
    const checkStatic = (source) => {
      if (source !== null && source !== undefined && typeof source.value === 'string') check(source, source.value);
    };
    const checkDynamic = (source) => {
      if (source.type === 'Literal' && typeof source.value === 'string') return check(source, source.value);
      const text = context.sourceCode.getText(source);
      context.report({ node: source, message: `src/core imports by a plain string literal only: import(${text}) hides where it leads.` });
      if (source.type === 'TemplateLiteral') check(source, text.slice(1, -1));
    };
    return {
      ImportDeclaration: (node) => checkStatic(node.source),
      ExportNamedDeclaration: (node) => checkStatic(node.source),
      ExportAllDeclaration: (node) => checkStatic(node.source),
      ImportExpression: (node) => checkDynamic(node.source),
    };
  },
};

// The core is pure: no drivers, no node: I/O, no clock, no randomness. Time and ids come in as data.
const coreRestrictions = {
  files: ['src/core/**/*.ts'],
  plugins: { croupier: { rules: { 'core-imports-stay-inside': coreImportsStayInside } } },
  rules: {
    'croupier/core-imports-stay-inside': 'error',
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['node:*', 'fs', 'net', 'http', 'https', 'crypto', 'os', 'child_process', 'worker_threads'], message: 'src/core does no I/O.' },
          { group: ['pg', 'pg-*', '@electric-sql/*', 'fastify', 'fastify-*', '@fastify/*', 'pino', 'nats', 'ioredis', 'redis'], message: 'src/core uses no driver or framework.' },
          // The layers by name, from any depth; croupier/core-imports-stay-inside catches every other way out.
          { group: ['**/engine/**', '**/store/**', '**/api/**', '**/bus/**', '**/cli/**', '**/dashboard/**'], message: 'src/core depends on nothing outside it.' },
        ],
      },
    ],
    'no-restricted-properties': [
      'error',
      { object: 'Date', property: 'now', message: 'The core takes `now` as input.' },
      { object: 'Math', property: 'random', message: 'The core takes randomness as input.' },
      { object: 'crypto', property: 'randomUUID', message: 'Ids are passed into the core.' },
      { object: 'performance', property: 'now', message: 'The core takes time as input.' },
    ],
    'no-restricted-globals': [
      'error',
      { name: 'setTimeout', message: 'The core has no timers.' },
      { name: 'setInterval', message: 'The core has no timers.' },
      { name: 'fetch', message: 'The core does no I/O.' },
      { name: 'process', message: 'The core reads no environment.' },
      { name: 'crypto', message: 'The core takes randomness as input.' },
      { name: 'performance', message: 'The core takes time as input.' },
    ],
    'no-restricted-syntax': [
      'error',
      { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The core takes `now` as input.' },
      { selector: "CallExpression[callee.name='Date']", message: 'The core takes `now` as input.' },
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  coreRestrictions,
  // Functions small enough to hold in one's head: at most 70 lines. Tests are exempt.
  {
    files: ['src/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 70, skipBlankLines: true, skipComments: true }] },
  },
);
