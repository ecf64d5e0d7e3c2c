// @ts-check
// Flat config: type-aware typescript-eslint over src/ and bench/ TypeScript.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**', 'ui/**', 'data/**', 'test-artifacts/**', 'bench/results/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (no default exports).' },
        { selector: 'ExportNamedDeclaration > ExportSpecifier[exported.name="default"]', message: 'Use named exports (no default exports).' },
        { selector: 'ExportAllDeclaration', message: 'List the exported names (no `export *`).' },
        { selector: 'TSEnumDeclaration[const=true]', message: 'No const enum (isolatedModules); use a union of literals or an object.' },
      ],
    },
  },
  {
    // node:test's describe/it/test return promises the runner awaits itself (tests and contract suites).
    files: ['**/*.test.ts', '**/*.contract.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] }],
    },
  },
);
