import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Every workspace project (packages/*, apps/*, tools/*) is one vitest project named after its folder. */
const projectDirs = ['packages', 'apps', 'tools'].flatMap((group) =>
  existsSync(`${root}${group}`)
    ? readdirSync(`${root}${group}`, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${group}/${d.name}`)
    : [],
);

/** Packages resolve to their TypeScript source, so tests never need a build first. */
const alias = Object.fromEntries(
  projectDirs
    .filter((dir) => dir.startsWith('packages/') || dir === 'tools/synth')
    .map((dir) => [`@tunekit/${dir.split('/')[1]}`, `${root}${dir}/src/index.ts`]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: projectDirs.map((dir) => ({
      extends: true,
      test: {
        name: dir.split('/')[1],
        root,
        include: [`${dir}/src/**/*.test.ts`, `${dir}/test/**/*.test.ts`],
      },
    })),
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'artifacts/test-results.json' }]] : ['default'],
  },
});
