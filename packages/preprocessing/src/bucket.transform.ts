import { PreprocessingError } from './errors';

/**
 * Checks bucket boundaries: finite and strictly increasing.
 *
 * @param boundaries - e.g. `[1990, 2000, 2010]`
 * @param path - spec path for messages
 * @throws PreprocessingError `INVALID_SPEC` when empty, not finite or not strictly increasing
 * @example
 * ```ts
 * validateBoundaries([1990, 2000], 'features[5].boundaries');
 * ```
 */
export function validateBoundaries(boundaries: unknown, path: string): asserts boundaries is number[] {
  if (!Array.isArray(boundaries) || boundaries.length === 0) {
    throw new PreprocessingError('INVALID_SPEC', `${path} must be a non-empty array of increasing numbers, e.g. [1990, 2000, 2010].`, { context: { path } });
  }
  boundaries.forEach((b, i) => {
    if (typeof b !== 'number' || !Number.isFinite(b)) {
      throw new PreprocessingError('INVALID_SPEC', `${path}[${i}] must be a finite number, got ${JSON.stringify(b)}.`, { context: { path: `${path}[${i}]` } });
    }
    if (i > 0 && b <= (boundaries[i - 1] as number)) {
      throw new PreprocessingError('INVALID_SPEC', `${path}[${i}] = ${b} must be greater than ${path}[${i - 1}] = ${boundaries[i - 1]}.`, { context: { path: `${path}[${i}]` } });
    }
  });
}

/**
 * Buckets values by boundaries: id 0 = missing, id 1 = below `boundaries[0]`,
 * id k + 1 = in `[boundaries[k-1], boundaries[k])`, id B + 1 = at or above the last boundary.
 *
 * @param values - float64 [n], NaN = missing
 * @param boundaries - strictly increasing, B of them
 * @returns int32 [n] ids in 0..B+1
 * @example
 * ```ts
 * bucketize(Float64Array.of(1985, 2000, NaN, 2015), [1990, 2000, 2010]); // [1, 3, 0, 4]
 * ```
 */
export function bucketize(values: ArrayLike<number>, boundaries: readonly number[]): Int32Array {
  const out = new Int32Array(values.length);
  const b = Float64Array.from(boundaries);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    // Count of boundaries ≤ v, by binary search.
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((b[mid] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo + 1;
  }
  return out;
}

/**
 * Display names of the buckets (ids 1..B+1), e.g. `<1990`, `[1990,2000)`, `>=2010`.
 *
 * @param boundaries - strictly increasing
 * @returns B + 1 labels
 * @example
 * ```ts
 * bucketLabels([1990, 2000]); // ['<1990', '[1990,2000)', '>=2000']
 * ```
 */
export function bucketLabels(boundaries: readonly number[]): string[] {
  const labels = [`<${boundaries[0]}`];
  for (let k = 1; k < boundaries.length; k++) labels.push(`[${boundaries[k - 1]},${boundaries[k]})`);
  labels.push(`>=${boundaries[boundaries.length - 1]}`);
  return labels;
}
