// ESLint flat config (typescript-eslint). Module boundaries are in test/unit/boundaries.test.ts
// (real module resolution) and in the no-restricted-imports rules below.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'examples/**',
      'dist/**',
      'node_modules/**',
      '.vscode-test/**',
      'test-results/**',
      'test/vscode/code-offline/**',
      // Corpus snippets: citations of public code, kept as the source wrote them (not our style).
      'test/corpus/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      // Safety promise: the product never executes user code.
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'ts-morph', 'node:*', 'fs', 'path', 'child_process'],
              message: 'src/core is pure TypeScript.',
            },
            { group: ['../*', '!../core'], message: 'src/core imports only src/core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/parse/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode', '../host/*', '../extension'], message: 'src/parse uses ts-morph and core only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'ts-morph', '**/src/host/*', '**/src/parse/*'],
              message: 'The webview uses core and shared only.',
            },
          ],
        },
      ],
    },
  },
);
