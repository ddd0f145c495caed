/**
 * The main job: migrate the embedded database, then run every step of `configs/main.yaml`
 * (`nx run <project>:<target> --configuration=<name>`), stopping at the first failure.
 * `--only <configuration>` runs the steps of one configuration; `--list` prints the steps.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createLogger, loadConfig, parseAppArgs } from '@tunekit/cli-kit';
import { openDatabase, redact } from '@tunekit/data-access';
import { isTunekitError } from '@tunekit/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const log = createLogger('main');

const MainSchema = z
  .object({
    steps: z
      .array(
        z
          .object({
            run: z.string().regex(/^[a-z-]+:[a-z-]+$/, 'must be <project>:<target>'),
            configuration: z.string(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

try {
  const args = parseAppArgs(process.argv.slice(2));
  const { value } = loadConfig({ file: args.config ?? join(root, 'configs', 'main.yaml'), schema: MainSchema, overrides: args.set });
  const only = typeof args.extra['only'] === 'string' ? args.extra['only'] : null;
  const steps = value.steps.filter((s) => only === null || s.configuration === only);
  if (args.extra['list']) {
    for (const s of steps) console.log(`nx run ${s.run} --configuration=${s.configuration}`);
    process.exit(0);
  }
  const url = args.database ?? process.env['DATABASE_URL'] ?? `pglite:${join(root, 'artifacts', 'db', 'tunekit')}`;
  const db = await openDatabase(url);
  log.info(`database ready (${redact(db.target.url)}, migrated)`);
  await db.close();
  const nx = join(root, 'node_modules', '.bin', 'nx');
  if (!existsSync(nx)) throw new Error('nx is not installed: run npm ci first');
  const results: { step: string; seconds: number }[] = [];
  for (const step of steps) {
    const label = `nx run ${step.run} --configuration=${step.configuration}`;
    log.info(`▶ ${label}`);
    const t0 = Date.now();
    const r = spawnSync(nx, ['run', step.run, `--configuration=${step.configuration}`, '--output-style=stream', ...(args.database ? [`--database=${args.database}`] : [])], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', DATABASE_URL: url },
    });
    if (r.status !== 0) throw new Error(`step failed (exit ${r.status}): ${label}`);
    results.push({ step: label, seconds: (Date.now() - t0) / 1000 });
  }
  log.info('main job done:');
  for (const r of results) log.info(`  ${r.step}  (${r.seconds.toFixed(1)} s)`);
  const evals = steps.filter((s) => s.run.startsWith('evaluator:')).map((s) => join(root, 'artifacts', 'evaluations', s.configuration, 'metrics.json'));
  for (const f of evals.filter(existsSync)) {
    const m = JSON.parse(readFileSync(f, 'utf8')) as { model: Record<string, number> };
    log.info(`  ${f.replace(root + '/', '')}: ${Object.entries(m.model).map(([k, v]) => `${k}=${typeof v === 'number' ? v.toFixed(4) : v}`).join(' ')}`);
  }
} catch (e) {
  if (isTunekitError(e)) log.error(`${e.name} ${e.code}: ${e.message}`);
  else log.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
