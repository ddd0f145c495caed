import { AUDIO_FEATURE_NAMES, type AudioFeatureName } from '@tunekit/core';
import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';

/** Audio features as a dense row-major matrix. */
export interface AudioFeatureMatrix {
  /** int32 [rows] — track id of each row. */
  trackIds: Int32Array;
  /** Feature name of each column. */
  features: readonly AudioFeatureName[];
  /** float32 [rows, cols] row-major; NaN where the value is unknown. */
  matrix: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Audio features of every track that has them, as a Float32Array matrix (row-major, NaN = missing),
 * ordered by track id.
 *
 * @param db - open database
 * @param options.source - `audio_features.source` to read (`spotify`, `fma-echonest`)
 * @param options.features - columns, default all {@link AUDIO_FEATURE_NAMES}
 * @returns trackIds int32 [rows] and matrix float32 [rows, cols]
 * @example
 * ```ts
 * const m = await getAudioFeatureMatrix(db, { source: 'spotify', features: ['danceability', 'energy'] });
 * m.matrix[3 * m.cols + 1]; // energy of the 4th track
 * ```
 */
export async function getAudioFeatureMatrix(
  db: Kysely<TunekitDatabase>,
  options: { source?: string; features?: readonly AudioFeatureName[] } = {},
): Promise<AudioFeatureMatrix> {
  const features = options.features ?? AUDIO_FEATURE_NAMES;
  let q = db.selectFrom('audio_features').select(['track_id', ...features]).orderBy('track_id');
  if (options.source !== undefined) q = q.where('source', '=', options.source);
  const rows = (await q.execute()) as unknown as (Record<AudioFeatureName, number | null> & { track_id: number })[];
  const cols = features.length;
  const matrix = new Float32Array(rows.length * cols);
  const trackIds = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    trackIds[i] = r.track_id;
    features.forEach((f, j) => {
      const v = r[f];
      matrix[i * cols + j] = v === null || v === undefined ? Number.NaN : v;
    });
  });
  return { trackIds, features, matrix, rows: rows.length, cols };
}
