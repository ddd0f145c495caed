import { ModelsError } from '../errors';

/** Fitted z-score state: one mean and standard deviation per feature column, as plain JSON. */
export interface FittedStandardizer {
  featureNames: string[];
  means: number[];
  stds: number[];
}

/**
 * Fits per-column means and standard deviations on the rows of `raw` (NaN = missing, ignored).
 * A constant or all-missing column gets std 1, so it maps to 0 instead of dividing by zero.
 *
 * @param raw - float32 `[rows, features]`, row-major; NaN marks a missing value
 * @param featureNames - one name per column
 * @param rows - optional subset of rows to fit on (e.g. the train split); default all
 * @returns the fitted state
 * @throws ModelsError `SHAPE_MISMATCH` when the length is not rows × features
 * @example
 * ```ts
 * const s = fitStandardizer(Float32Array.of(1, 10, 3, 30), ['a', 'b']); // means [2, 20], stds [1, 10]
 * ```
 */
export function fitStandardizer(raw: Float32Array, featureNames: readonly string[], rows?: ArrayLike<number>): FittedStandardizer {
  const f = featureNames.length;
  if (f === 0 || raw.length % f !== 0) {
    throw new ModelsError('SHAPE_MISMATCH', `fitStandardizer: ${raw.length} values do not form rows of ${f} features (${featureNames.join(', ')}).`, { context: { length: raw.length, features: f } });
  }
  const n = raw.length / f;
  const pick = rows ?? { length: n };
  const sum = new Float64Array(f);
  const sq = new Float64Array(f);
  const count = new Float64Array(f);
  for (let i = 0; i < pick.length; i++) {
    const r = rows ? (rows[i] as number) : i;
    for (let c = 0; c < f; c++) {
      const v = raw[r * f + c] as number;
      if (Number.isNaN(v)) continue;
      sum[c] = (sum[c] as number) + v;
      sq[c] = (sq[c] as number) + v * v;
      count[c] = (count[c] as number) + 1;
    }
  }
  const means: number[] = [];
  const stds: number[] = [];
  for (let c = 0; c < f; c++) {
    const k = count[c] as number;
    const mean = k > 0 ? (sum[c] as number) / k : 0;
    const variance = k > 0 ? Math.max(0, (sq[c] as number) / k - mean * mean) : 0;
    means.push(mean);
    stds.push(variance > 1e-12 ? Math.sqrt(variance) : 1);
  }
  return { featureNames: [...featureNames], means, stds };
}

/**
 * Applies a fitted standardiser: `(x − mean) / std`, missing (NaN) values → 0 (the mean).
 *
 * @param raw - float32 `[rows, features]`, columns in `fitted.featureNames` order
 * @param fitted - from {@link fitStandardizer}
 * @returns float32 `[rows, features]`, a new array
 * @throws ModelsError `SHAPE_MISMATCH` when the width does not match
 * @example
 * ```ts
 * standardize(Float32Array.of(3, 30), s); // [1, 1]
 * ```
 */
export function standardize(raw: Float32Array, fitted: FittedStandardizer): Float32Array {
  const f = fitted.featureNames.length;
  if (raw.length % f !== 0) {
    throw new ModelsError('SHAPE_MISMATCH', `standardize: ${raw.length} values do not form rows of ${f} features (${fitted.featureNames.join(', ')}).`, { context: { length: raw.length, features: f } });
  }
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const c = i % f;
    const v = raw[i] as number;
    out[i] = Number.isNaN(v) ? 0 : (v - (fitted.means[c] as number)) / (fitted.stds[c] as number);
  }
  return out;
}
