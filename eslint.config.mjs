// ESLint flat config (typescript-eslint). Module boundaries: the main walls are the restricted-import
// rules below; test/unit/boundaries.test.ts checks all of them with real module resolution, plus no cycles.
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
    // The interpreter's parts (src/core/interp/): `../x` is src/core/x here.
    files: ['src/core/interp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'ts-morph', 'node:*', 'fs', 'path', 'child_process'],
              message: 'src/core is pure TypeScript.',
            },
            { group: ['../../*'], message: 'src/core imports only src/core.' },
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
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'ts-morph', 'node:*', '../host/*', '../parse', '../parse/*', '../../webview/*'],
              message: 'src/shared is imported by host and webview: core types and valibot only.',
            },
            { group: ['../core', '../core/*'], allowTypeImports: true, message: 'src/shared uses core types only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/host/**/*.ts', 'src/extension.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['ts-morph', '../parse', '../parse/*', './parse', './parse/*'],
              allowTypeImports: true,
              message: 'The host loads the parser lazily (src/host/parser.ts): type imports only.',
            },
            { group: ['**/webview/*'], message: 'The host never imports webview code.' },
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
