import { join } from 'node:path';
import { z } from 'zod';
import { loadTaskConfig, resolveConfigFile, type CommonArgs, type Logger } from '@tunekit/cli-kit';
import { openDatabase, redact } from '@tunekit/data-access';
import type { EvalContext, EvalTask, EvaluationResult } from './task';
import { EVAL_TASKS } from './tasks/index';
import { writeReport } from './report/write-report';

/** App-level keys every evaluator config may have besides the task's own. */
export const EVALUATOR_APP_SHAPE = {
  database: z.string().optional(),
};

/**
 * Runs one evaluation: resolve + validate the config, open the database, run the task, write
 * `artifacts/evaluations/<name>/{metrics.json,report.md,report.html}` and store every metric in
 * the `evaluation_results` table.
 */
export async function evaluate(options: {
  args: CommonArgs;
  workspaceRoot: string;
  log: Logger;
  outRoot?: string;
  /** Where trained runs live (default `$TUNEKIT_MODELS_ROOT`, else `artifacts/models`). */
  modelsRoot?: string;
  registry?: Readonly<Record<string, EvalTask>>;
}): Promise<{ outDir: string; result: EvaluationResult }> {
  const { args, workspaceRoot, log } = options;
  const registry = options.registry ?? EVAL_TASKS;
  const { file, name } = resolveConfigFile(workspaceRoot, 'evaluator', args);
  const { task, taskName, app, config } = loadTaskConfig({ file, registry, appShape: EVALUATOR_APP_SHAPE, overrides: args.set });
  const dbUrl = args.database ?? app.database ?? process.env['DATABASE_URL'];
  const handle = await openDatabase(dbUrl ?? `pglite:${join(workspaceRoot, 'artifacts', 'db', 'tunekit')}`);
  const outDir = join(options.outRoot ?? join(workspaceRoot, 'artifacts', 'evaluations'), name);
  log.info(`config ${file} (task ${taskName}), database ${redact(handle.target.url)}`);
  try {
    const ctx: EvalContext<unknown> = {
      name,
      config,
      db: handle,
      workspaceRoot,
      modelsRoot: options.modelsRoot ?? process.env['TUNEKIT_MODELS_ROOT'] ?? join(workspaceRoot, 'artifacts', 'models'),
      outDir,
      flags: args.extra,
      log: log.child(task.family),
    };
    const result = await task.run(ctx);
    await writeReport(outDir, name, result);
    const rows = [
      ...Object.entries(result.model).map(([metric, value]) => ({ system: 'model', metric, value })),
      ...Object.entries(result.baselines).flatMap(([system, m]) => Object.entries(m).map(([metric, value]) => ({ system, metric, value }))),
    ]
      .filter((r) => Number.isFinite(r.value))
      .map((r) => ({ ...r, evaluation: name, run_id: null }));
    if (rows.length > 0) await handle.db.insertInto('evaluation_results').values(rows).execute();
    return { outDir, result };
  } finally {
    await handle.close();
  }
}
