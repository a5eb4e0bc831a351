/**
 * ESLint keeps units short: no function over 80 lines (blank lines and comments aside), so a
 * function that implements an algorithm reads as its steps (STYLE.md). Types, imports and
 * everything else are checked by tsc, svelte-check, dependency-cruiser and knip. An exception
 * is disabled in place, with its reason.
 */
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
  },
  ...svelte.configs['flat/base'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
];
