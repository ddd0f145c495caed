import type { Kysely } from 'kysely';
import { DataAccessError } from '../errors';
import type { ModelRun, TunekitDatabase } from '../schema/database';

/**
 * Records the start of a training run (status `running`).
 *
 * @param db - open database
 * @param run - id, model name, family, config (JSON) and optional artifact dir / data hash / git sha
 * @returns the stored run
 * @example
 * ```ts
 * await createModelRun(db, { id: '2026-01-01T00-00-00Z-ab12', modelName: 'listens-mlp', family: 'listens', config: { lr: 1e-3 } });
 * ```
 */
export async function createModelRun(
  db: Kysely<TunekitDatabase>,
  run: { id: string; modelName: string; family: string; config: Record<string, unknown>; artifactDir?: string; dataHash?: string; gitSha?: string },
): Promise<ModelRun> {
  return db
    .insertInto('model_runs')
    .values({
      id: run.id,
      model_name: run.modelName,
      family: run.family,
      status: 'running',
      config: JSON.stringify(run.config),
      artifact_dir: run.artifactDir ?? null,
      data_hash: run.dataHash ?? null,
      git_sha: run.gitSha ?? null,
      started_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Marks a run completed or failed with its final metrics.
 *
 * @param db - open database
 * @param id - run id
 * @param outcome - status and final metrics
 * @throws DataAccessError `NOT_FOUND` when no run has that id
 * @example
 * ```ts
 * await finishModelRun(db, runId, { status: 'completed', metrics: { rmse_log: 0.65 } });
 * ```
 */
export async function finishModelRun(db: Kysely<TunekitDatabase>, id: string, outcome: { status: 'completed' | 'failed'; metrics?: Record<string, unknown> }): Promise<void> {
  const r = await db
    .updateTable('model_runs')
    .set({ status: outcome.status, metrics: outcome.metrics === undefined ? null : JSON.stringify(outcome.metrics), finished_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new DataAccessError('NOT_FOUND', `No model run with id "${id}" to finish; create it with createModelRun first`, { context: { id } });
}

/**
 * Reads one run.
 *
 * @param db - open database
 * @param id - run id
 * @returns the run
 * @throws DataAccessError `NOT_FOUND` when no run has that id
 * @example
 * ```ts
 * const run = await getModelRun(db, runId);
 * ```
 */
export async function getModelRun(db: Kysely<TunekitDatabase>, id: string): Promise<ModelRun> {
  const run = await db.selectFrom('model_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!run) throw new DataAccessError('NOT_FOUND', `No model run with id "${id}"`, { context: { id } });
  return run;
}

/**
 * Lists runs of a model, newest first.
 *
 * @param db - open database
 * @param modelName - model name
 * @returns runs
 * @example
 * ```ts
 * const runs = await listModelRuns(db, 'listens-mlp');
 * ```
 */
export async function listModelRuns(db: Kysely<TunekitDatabase>, modelName: string): Promise<ModelRun[]> {
  return db.selectFrom('model_runs').selectAll().where('model_name', '=', modelName).orderBy('started_at', 'desc').orderBy('id', 'desc').execute();
}

/** One per-epoch metric value. */
export interface RunMetric {
  epoch: number;
  name: string;
  value: number;
}

/**
 * Stores per-epoch metrics of a run (replacing a value logged twice for the same epoch and name).
 *
 * @param db - open database
 * @param runId - run id
 * @param metrics - values
 * @example
 * ```ts
 * await insertRunMetrics(db, runId, [{ epoch: 1, name: 'loss', value: 0.42 }]);
 * ```
 */
export async function insertRunMetrics(db: Kysely<TunekitDatabase>, runId: string, metrics: readonly RunMetric[]): Promise<void> {
  if (metrics.length === 0) return;
  await db
    .insertInto('run_metrics')
    .values(metrics.map((m) => ({ run_id: runId, epoch: m.epoch, name: m.name, value: m.value })))
    .onConflict((oc) => oc.columns(['run_id', 'epoch', 'name']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
}

/**
 * Per-epoch metrics of a run, ordered by epoch then name.
 *
 * @param db - open database
 * @param runId - run id
 * @returns metric values
 * @example
 * ```ts
 * const curve = (await getRunMetrics(db, runId)).filter((m) => m.name === 'loss');
 * ```
 */
export async function getRunMetrics(db: Kysely<TunekitDatabase>, runId: string): Promise<RunMetric[]> {
  return db.selectFrom('run_metrics').select(['epoch', 'name', 'value']).where('run_id', '=', runId).orderBy('epoch').orderBy('name').execute();
}

/** One metric of one system in one evaluation. */
export interface EvaluationResult {
  evaluation: string;
  runId: string | null;
  system: string;
  metric: string;
  value: number;
}

/**
 * Stores evaluation results.
 *
 * @param db - open database
 * @param results - metric values (system = `model` or a baseline name such as `most-popular`)
 * @example
 * ```ts
 * await insertEvaluationResults(db, [{ evaluation: 'lastfm-2k', runId, system: 'model', metric: 'ndcg@10', value: 0.26 }]);
 * ```
 */
export async function insertEvaluationResults(db: Kysely<TunekitDatabase>, results: readonly EvaluationResult[]): Promise<void> {
  if (results.length === 0) return;
  await db
    .insertInto('evaluation_results')
    .values(results.map((r) => ({ evaluation: r.evaluation, run_id: r.runId, system: r.system, metric: r.metric, value: r.value, created_at: new Date() })))
    .execute();
}

/**
 * Results of one evaluation, ordered by system then metric (insertion order within ties).
 *
 * @param db - open database
 * @param evaluation - evaluation name
 * @returns results
 * @example
 * ```ts
 * const rows = await getEvaluationResults(db, 'lastfm-2k');
 * ```
 */
export async function getEvaluationResults(db: Kysely<TunekitDatabase>, evaluation: string): Promise<EvaluationResult[]> {
  const rows = await db.selectFrom('evaluation_results').selectAll().where('evaluation', '=', evaluation).orderBy('system').orderBy('metric').orderBy('id').execute();
  return rows.map((r) => ({ evaluation: r.evaluation, runId: r.run_id, system: r.system, metric: r.metric, value: r.value }));
}
