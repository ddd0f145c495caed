/**
 * `npm run bench -- <suite> [args]` runs one benchmark suite from `suites/<suite>.ts` and writes
 * `artifacts/bench/<suite>.json`. Each suite module exports `run(args: string[]): Promise<void>`.
 * With no suite name it lists the suites.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const suites = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  console.log(`usage: npm run bench -- <suite> [args]\nsuites: ${suites.join(', ') || '(none yet)'}`);
  process.exit(name ? 0 : 2);
}
if (!suites.includes(name)) {
  console.error(`Unknown benchmark suite "${name}". Available: ${suites.join(', ')}`);
  process.exit(2);
}
const mod = (await import(`./suites/${name}.ts`)) as { run: (args: string[]) => Promise<void> };
await mod.run(args);
