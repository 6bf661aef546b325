import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The core is pure: no drivers, no node: I/O, no clock, no randomness. Time and ids come in as data.
const coreRestrictions = {
  files: ['src/core/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['node:*', 'fs', 'net', 'http', 'https', 'crypto', 'os', 'child_process', 'worker_threads'], message: 'src/core does no I/O.' },
          { group: ['pg', 'pg-*', '@electric-sql/*', 'fastify', 'fastify-*', '@fastify/*', 'pino', 'nats', 'ioredis', 'redis'], message: 'src/core uses no driver or framework.' },
          { group: ['../engine/*', '../store/*', '../api/*', '../bus/*', '../cli/*'], message: 'src/core depends on nothing outside it.' },
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
);
