/**
 * Every publishable package is imported through its published entry point (package.json
 * `exports` → dist/, as a consumer would), in ESM and CJS, and checked with publint.
 * Needs the packages built first (`nx run-many -t build`, which the README's test command runs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as { name: string; private?: boolean; exports?: unknown } }))
  .filter(({ pkg }) => !pkg.private);

function node(args: string[], cwd: string): string {
  // FORCE_COLOR (set by nx) would colour console.log output; print plain strings without it.
  const { FORCE_COLOR: _fc, ...env } = process.env;
  return execFileSync(process.execPath, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

describe.each(packages)('published package $pkg.name', ({ dir, pkg }) => {
  const built = existsSync(join(root, 'packages', dir, 'dist', 'index.js'));

  it('is built (run `nx run-many -t build` first)', () => {
    expect(built, `packages/${dir}/dist/index.js is missing`).toBe(true);
  });

  it.runIf(built)('imports as ESM and requires as CJS through its exports map, with named exports', () => {
    // Run from a directory outside the workspace sources so only node_modules resolution applies.
    const esm = node(['--input-type=module', '-e', `const m = await import(${JSON.stringify(pkg.name)}); console.log(String(Object.keys(m).length))`], root);
    expect(Number(esm.trim()), esm).toBeGreaterThan(0);
    const cjs = node(['-e', `const m = require(${JSON.stringify(pkg.name)}); console.log(String(Object.keys(m).length))`], root);
    expect(Number(cjs.trim()), cjs).toBeGreaterThan(0);
  });

  it.runIf(built)('declares types first in its exports map and passes publint', () => {
    const exp = (pkg.exports as Record<string, Record<string, Record<string, string>>>)['.'];
    expect(Object.keys(exp?.['import'] ?? {})[0]).toBe('types');
    expect(Object.keys(exp?.['require'] ?? {})[0]).toBe('types');
    const out = execFileSync(join(root, 'node_modules', '.bin', 'publint'), ['--strict', join(root, 'packages', dir)], { encoding: 'utf8', timeout: 120_000 });
    expect(out).not.toMatch(/Errors:/);
  });
});
