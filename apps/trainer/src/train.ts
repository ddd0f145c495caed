import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import {
  canonicalJson,
  gitSha,
  hashJson,
  loadTaskConfig,
  makeRunId,
  packageVersions,
  resolveConfigFile,
  startRunDir,
  type CommonArgs,
  type Logger,
} from '@tunekit/cli-kit';
import { openDatabase, redact } from '@tunekit/data-access';
import type { TrainContext, TrainTask } from './task';
import { TRAIN_TASKS } from './tasks/index';
import { TensorBoardWriter } from './tensorboard';

/** The app-level keys every trainer config may have besides the task's own. */
export const TRAINER_APP_SHAPE = {
  database: z.string().optional(),
};

/** Result of one training run. */
export interface TrainRunResult {
  runId: string;
  runDir: string;
  metrics: Record<string, number>;
}

/**
 * Runs one training job: resolve + validate the config, open the database, run the task into a
 * temp run dir, record the run (model_runs, run_metrics, metrics.jsonl, TensorBoard events), then
 * commit the run dir and point `latest` at it. On failure nothing half-written is left.
 */
export async function train(options: {
  args: CommonArgs;
  workspaceRoot: string;
  artifactsRoot: string;
  log: Logger;
  registry?: Readonly<Record<string, TrainTask>>;
}): Promise<TrainRunResult> {
  const { args, workspaceRoot, log } = options;
  const registry = options.registry ?? TRAIN_TASKS;
  const { file, name } = resolveConfigFile(workspaceRoot, 'trainer', args);
  const first = loadTaskConfig({ file, registry, appShape: TRAINER_APP_SHAPE, overrides: args.set });
  const flagSets = first.task.flagOverrides?.(args.extra) ?? [];
  const { task, taskName, app, config } =
    flagSets.length > 0 ? loadTaskConfig({ file, registry, appShape: TRAINER_APP_SHAPE, overrides: [...args.set, ...flagSets] }) : first;
  const configHash = hashJson({ task: taskName, config });
  const runId = makeRunId(configHash);
  const dbUrl = args.database ?? app.database ?? process.env['DATABASE_URL'];
  const handle = await openDatabase(dbUrl ?? `pglite:${join(workspaceRoot, 'artifacts', 'db', 'tunekit')}`);
  log.info(`config ${file} (task ${taskName}), database ${redact(handle.target.url)}, run ${runId}`);
  log.info(`applied config ${canonicalJson(config)}`);
  const pending = startRunDir(options.artifactsRoot, name, runId);
  const tb = new TensorBoardWriter(join(pending.dir, 'tensorboard'));
  const jsonl = join(pending.dir, 'metrics.jsonl');
  await handle.db
    .insertInto('model_runs')
    .values({ id: runId, model_name: name, family: task.family, status: 'running', config: JSON.stringify({ task: taskName, ...(config as object) }), git_sha: gitSha(workspaceRoot) })
    .execute();
  const ctx: TrainContext<unknown> = {
    name,
    config,
    db: handle,
    runId,
    runDir: pending.dir,
    workspaceRoot,
    flags: args.extra,
    log: log.child(task.family),
    async recordEpoch(epoch, metrics) {
      appendFileSync(jsonl, JSON.stringify({ epoch, time: new Date().toISOString(), ...metrics }) + '\n');
      tb.scalars(epoch, metrics);
      const rows = Object.entries(metrics)
        .filter(([, v]) => Number.isFinite(v))
        .map(([metric, value]) => ({ run_id: runId, epoch, name: metric, value }));
      if (rows.length > 0) await handle.db.insertInto('run_metrics').values(rows).execute();
    },
  };
  try {
    const outcome = await task.run(ctx);
    writeFileSync(join(pending.dir, 'config.yaml'), stringify({ task: taskName, ...(config as object) }));
    const finalDir = pending.commit({
      name,
      family: task.family,
      run_id: runId,
      created_at: new Date().toISOString(),
      git_sha: gitSha(workspaceRoot),
      config_hash: configHash,
      data_hash: outcome.dataHash ?? null,
      node: process.version,
      packages: packageVersions(workspaceRoot, MANIFEST_PACKAGES),
      ...(outcome.backend ? { backend: outcome.backend } : {}),
      files: [],
      metrics: outcome.metrics,
      ...(outcome.extra ?? {}),
    });
    await handle.db
      .updateTable('model_runs')
      .set({ status: 'completed', finished_at: new Date(), metrics: JSON.stringify(outcome.metrics), artifact_dir: finalDir, data_hash: outcome.dataHash ?? null })
      .where('id', '=', runId)
      .execute();
    return { runId, runDir: finalDir, metrics: outcome.metrics };
  } catch (e) {
    pending.abort();
    await handle.db.updateTable('model_runs').set({ status: 'failed', finished_at: new Date() }).where('id', '=', runId).execute().catch(() => undefined);
    throw e;
  } finally {
    await handle.close();
  }
}

/** Packages whose versions every run manifest records. */
const MANIFEST_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@electric-sql/pglite',
  'kysely',
  'pg',
  '@tunekit/core',
  '@tunekit/data-access',
  '@tunekit/preprocessing',
  '@tunekit/runtime',
  '@tunekit/models',
  '@tunekit/metrics',
];
