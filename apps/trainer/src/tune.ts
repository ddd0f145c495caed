/**
 * `nx run trainer:tune --configuration=<name> --grid key=[v1,v2] [--grid ...] --metric <name> [--mode min|max]`
 *
 * Grid search on the VALIDATION metric a task reports (e.g. `val_rmse_log`): trains every
 * combination of the `--grid` values (each a `--set`-style override with a YAML list of values)
 * into `artifacts/tuning/<name>/`, prints a table sorted by the metric and writes
 * `artifacts/tuning/<name>/results.json`. The test split is never read. Copy the winner into the
 * YAML config.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { isTunekitError } from '@tunekit/core';
import { CliError, createLogger, parseAppArgs, writeJsonAtomic } from '@tunekit/cli-kit';
import { train } from './train';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const log = createLogger('tune');

function collectGrid(argv: string[]): { grid: [string, unknown[]][]; rest: string[] } {
  const grid: [string, unknown[]][] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = a === '--grid' ? argv[++i] : a.startsWith('--grid=') ? a.slice(7) : undefined;
    if (value === undefined) {
      rest.push(a);
      continue;
    }
    const eq = value.indexOf('=');
    const values = eq > 0 ? parseDocument(value.slice(eq + 1)).toJS() : undefined;
    if (!Array.isArray(values) || values.length === 0) throw new CliError('BAD_ARGUMENT', `--grid expects key=[v1,v2,...], got "${value}"`);
    grid.push([value.slice(0, eq), values]);
  }
  return { grid, rest };
}

function combinations(grid: [string, unknown[]][]): string[][] {
  return grid.reduce<string[][]>((acc, [key, values]) => acc.flatMap((combo) => values.map((v) => [...combo, `${key}=${JSON.stringify(v)}`])), [[]]);
}

try {
  const { grid, rest } = collectGrid(process.argv.slice(2));
  const args = parseAppArgs(rest);
  const metric = typeof args.extra['metric'] === 'string' ? args.extra['metric'] : null;
  if (!metric) throw new CliError('BAD_ARGUMENT', '--metric <name> is required (a validation metric the task reports, e.g. val_rmse_log)');
  const mode = args.extra['mode'] === 'max' ? 'max' : 'min';
  const name = args.configuration ?? (args.config ?? 'tune').replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  const combos = combinations(grid);
  log.info(`${combos.length} combinations, selecting on ${metric} (${mode})`);
  const results: { overrides: string[]; value: number; metrics: Record<string, number> }[] = [];
  for (const [i, overrides] of combos.entries()) {
    log.info(`[${i + 1}/${combos.length}] ${overrides.join(' ')}`);
    const r = await train({
      args: { ...args, set: [...args.set, ...overrides] },
      workspaceRoot,
      artifactsRoot: join(workspaceRoot, 'artifacts', 'tuning'),
      log: log.child(String(i + 1)),
    });
    const value = r.metrics[metric];
    if (value === undefined) throw new CliError('BAD_ARGUMENT', `the task does not report "${metric}"; it reports: ${Object.keys(r.metrics).join(', ')}`);
    results.push({ overrides, value, metrics: r.metrics });
    log.info(`  ${metric} = ${value.toFixed(5)}`);
  }
  results.sort((a, b) => (mode === 'min' ? a.value - b.value : b.value - a.value));
  writeJsonAtomic(join(workspaceRoot, 'artifacts', 'tuning', name, 'results.json'), { config: name, metric, mode, results });
  console.log(`\n${metric} (${mode === 'min' ? 'lower' : 'higher'} is better), on validation:`);
  for (const r of results) console.log(`${r.value.toFixed(5)}  ${r.overrides.join(' ')}`);
} catch (e) {
  if (isTunekitError(e)) log.error(`${e.name} ${e.code}: ${e.message}`);
  else log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
}
