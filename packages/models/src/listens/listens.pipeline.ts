import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FittedFeatureSpec, type FittedFeatureSpecJSON } from '@tunekit/preprocessing';
import { isTunekitError } from '@tunekit/core';
import { ModelsError } from '../errors';
import { ListensModel, readJsonArtifact } from './listens.model';

/** The columns of a track the listens pipeline may read (DB column names). */
export const LISTENS_INPUT_COLUMNS = [
  'duration_s',
  'track_number',
  'disc_number',
  'favorites',
  'interest',
  'comments',
  'date_created',
  'year_created',
] as const;

/** One track's statistics as the listens predictor takes them (any may be null). */
export type ListensInputRow = { id?: number | string } & { [K in (typeof LISTENS_INPUT_COLUMNS)[number]]?: number | string | Date | null };

/**
 * Turns rows into the columns the feature spec reads. A track with only a creation year
 * (`date_created` null, `year_created` set) gets the year as its date, so `year` is known and
 * `age` is imputed — as in the FMA reference protocol.
 */
export function listensColumns(rows: readonly ListensInputRow[]): Record<string, unknown[]> {
  const cols: Record<string, unknown[]> = {};
  for (const c of LISTENS_INPUT_COLUMNS) cols[c] = rows.map((r) => r[c] ?? null);
  cols['date_created'] = rows.map((r) => r.date_created ?? (r.year_created !== null && r.year_created !== undefined ? String(r.year_created) : null));
  return cols;
}

/** A loaded listens predictor: preprocessing state + model, from one run directory. */
export interface ListensPredictor {
  readonly runDir: string;
  readonly preprocessing: FittedFeatureSpec;
  readonly model: ListensModel;
  /**
   * Predicts listens for each row (expm1 of the log1p prediction, clamped at 0).
   * @throws ModelsError `INVALID_INPUT` naming the row id and field when a required value is missing.
   */
  predict(rows: readonly ListensInputRow[]): { listens: Float32Array; logListens: Float32Array };
  dispose(): void;
}

/**
 * Loads a trained listens run (`model/`, `preprocessing.json`) from `runDir`
 * (e.g. `artifacts/models/listens-fma/latest`).
 * @throws ModelsError `ARTIFACT_NOT_FOUND` when the directory or a file is missing, `ARTIFACT_CORRUPT`.
 * @example
 * ```ts
 * const p = await loadListensPredictor('artifacts/models/listens-fma/latest');
 * const { listens } = p.predict([{ id: 2, duration_s: 168, favorites: 2, interest: 4656, comments: 0, track_number: 3 }]);
 * ```
 */
export async function loadListensPredictor(runDir: string): Promise<ListensPredictor> {
  if (!existsSync(runDir)) {
    throw new ModelsError('ARTIFACT_NOT_FOUND', `No trained listens model at ${runDir}: run \`nx run trainer:train --configuration=<listens config>\` first`, { context: { runDir } });
  }
  const preprocessing = FittedFeatureSpec.fromJSON(readJsonArtifact<FittedFeatureSpecJSON>(join(runDir, 'preprocessing.json')));
  const model = await ListensModel.load(join(runDir, 'model'));
  if (model.width !== preprocessing.width) {
    model.dispose();
    throw new ModelsError('ARTIFACT_CORRUPT', `${runDir}: model expects ${model.width} features but preprocessing.json produces ${preprocessing.width}`, { context: { runDir } });
  }
  return {
    runDir,
    preprocessing,
    model,
    predict(rows) {
      let matrix: Float32Array;
      try {
        matrix = preprocessing.transform(listensColumns(rows)).matrix;
      } catch (e) {
        if (isTunekitError(e)) {
          const ctx = e.context as { row?: number; column?: string; feature?: string };
          const row = typeof ctx.row === 'number' ? rows[ctx.row] : undefined;
          throw new ModelsError('INVALID_INPUT', `Cannot predict listens${row?.id !== undefined ? ` for track ${row.id}` : ''}: ${e.message}`, { cause: e, context: { ...ctx, id: row?.id } });
        }
        throw e;
      }
      const logListens = model.predict(matrix);
      const raw = preprocessing.inverseTarget(logListens);
      const listens = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) listens[i] = Math.max(0, raw[i] as number);
      return { listens, logListens };
    },
    dispose: () => model.dispose(),
  };
}

/**
 * One-call inference for other TS projects: loads the run, predicts, disposes.
 * @returns predicted listens per row.
 */
export async function predictListens(runDir: string, rows: readonly ListensInputRow[]): Promise<Float32Array> {
  const p = await loadListensPredictor(runDir);
  try {
    return p.predict(rows).listens;
  } finally {
    p.dispose();
  }
}
