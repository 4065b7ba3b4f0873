import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import playwright from 'eslint-plugin-playwright';
import boundaries from './scripts/eslint/boundaries.mjs';

/** The suite: everything that is not the system under test or the payment fake. */
const SUITE = ['*.ts', 'tests/**/*.ts', 'fixtures/**/*.ts', 'pages/**/*.ts', 'environment/**/*.ts', 'scripts/**/*.ts', 'contracts/**/*.ts'];

/** Specs use the fixtures, so what they touch is captured and attached to their report. */
const clientsInSpecs = ['pg', 'kafkajs', 'mailhog'].map((name) => ({
  name,
  message: `Specs do not open their own ${name} client: use the fixtures (db, events, mailbox), so what the test does is captured and reported.`,
}));

export default tseslint.config(
  { ignores: ['node_modules/', '.cache/', 'test-results/', 'playwright-report/', 'blob-report/', '**/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The black-box rule: only shop/ imports shop/, only payment-gateway/ imports payment-gateway/.
    plugins: { boundaries },
    rules: { 'boundaries/no-import-into': ['error', { folders: ['shop', 'payment-gateway'] }] },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: clientsInSpecs }] },
  },
  {
    // Type-aware: a promise nobody awaits is a step that may run after the test has ended.
    files: SUITE,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' },
  },
  {
    // The outbound guard is preloaded with `node --require`: CommonJS, before any bundle or loader.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // contracts/ is the data the shop and the suite share: it imports neither of them.
    files: ['contracts/**/*.ts'],
    rules: { 'boundaries/no-import-into': ['error', { folders: ['shop', 'payment-gateway', 'fixtures', 'tests', 'pages', 'environment'] }] },
  },
  {
    files: ['tests/**/*.ts', 'fixtures/**/*.ts', 'pages/**/*.ts'],
    ...playwright.configs['flat/recommended'],
    rules: {
      ...playwright.configs['flat/recommended'].rules,
      'playwright/no-wait-for-timeout': 'error',
      'playwright/no-skipped-test': 'error',
      'playwright/no-focused-test': 'error',
      'playwright/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect.poll', 'expectError', 'expectJson', 'expectAnswer'] }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Promise'] CallExpression[callee.name='setTimeout']",
          message: 'No fixed sleeps in tests: wait for the thing itself (expect.poll, an event, a mail, a locator).',
        },
      ],
    },
  },
);
