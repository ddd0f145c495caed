import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const tfjs = { group: ['@tensorflow/*'], message: 'metrics and data-access must not depend on TensorFlow.js (see DESIGN.md).' };
const db = { group: ['kysely', 'kysely/*', 'pg', '@electric-sql/*'], message: 'models and metrics must not touch the database: take rows or typed arrays from data-access through an app.' };

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'artifacts/**', '.nx/**', '**/*.config.ts', '**/*.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:metrics', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:preprocessing', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:data-access', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:cli-kit', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:runtime', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:enrichment', onlyDependOnLibsWithTags: ['scope:core', 'scope:data-access'] },
            { sourceTag: 'scope:models', onlyDependOnLibsWithTags: ['scope:core', 'scope:metrics', 'scope:preprocessing', 'scope:runtime'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:lib', notDependOnLibsWithTags: ['type:app', 'type:tool'] },
            { sourceTag: 'type:tool', notDependOnLibsWithTags: ['type:app'] },
            { sourceTag: 'tf:none', bannedExternalImports: ['@tensorflow/*'] },
            { sourceTag: 'db:none', bannedExternalImports: ['kysely', 'pg', '@electric-sql/*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'No focused tests.' },
        { object: 'it', property: 'only', message: 'No focused tests.' },
        { object: 'test', property: 'only', message: 'No focused tests.' },
      ],
    },
  },
  { files: ['packages/metrics/**/*.ts', 'packages/data-access/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [tfjs] }] } },
  { files: ['packages/metrics/**/*.ts', 'packages/models/**/*.ts', 'packages/preprocessing/**/*.ts', 'packages/runtime/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [db] }] } },
  { files: ['packages/metrics/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [tfjs, db] }] } },
);
