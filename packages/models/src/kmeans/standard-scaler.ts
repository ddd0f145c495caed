import { ModelsError } from '../errors';

/** Fitted per-column standardisation: `(x - mean) / std` (std 0 → 1). Plain JSON. */
export interface StandardScalerState {
  mean: number[];
  std: number[];
}

/**
 * Fits a column-wise standard scaler.
 *
 * @param data - float32/float64 row-major `[n, dim]`
 * @param dim - number of columns
 * @returns means and standard deviations (population), std 0 replaced by 1
 * @throws ModelsError `SHAPE_MISMATCH` when `data.length` is not a multiple of `dim`, `INVALID_ARGUMENT` on empty or non-finite data
 * @example
 * ```ts
 * const s = fitStandardScaler(Float64Array.from([1, 2, 3, 4]), 2); // mean [2, 3], std [1, 1]
 * ```
 */
export function fitStandardScaler(data: ArrayLike<number>, dim: number): StandardScalerState {
  checkMatrix(data, dim, 'data');
  const n = data.length / dim;
  if (n === 0) throw new ModelsError('INVALID_CONFIG', 'cannot fit a scaler on 0 rows', { context: { key: 'data' } });
  const mean = new Array<number>(dim).fill(0);
  const sq = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (data[i * dim + j] as number);
  for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) {
      const d = (data[i * dim + j] as number) - (mean[j] as number);
      sq[j] = (sq[j] as number) + d * d;
    }
  const std = sq.map((s) => {
    const v = Math.sqrt(s / n);
    return v > 1e-12 ? v : 1;
  });
  return { mean, std };
}

/**
 * Applies a fitted scaler.
 *
 * @param state - from {@link fitStandardScaler}
 * @param data - row-major `[n, dim]`
 * @returns float64 `[n, dim]` standardised copy
 * @throws ModelsError `SHAPE_MISMATCH` when the width does not match the scaler
 * @example
 * ```ts
 * const z = applyStandardScaler({ mean: [2], std: [1] }, [1, 3]); // [-1, 1]
 * ```
 */
export function applyStandardScaler(state: StandardScalerState, data: ArrayLike<number>): Float64Array {
  const dim = state.mean.length;
  checkMatrix(data, dim, 'data');
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const j = i % dim;
    out[i] = ((data[i] as number) - (state.mean[j] as number)) / (state.std[j] as number);
  }
  return out;
}

/** @internal shape + finiteness check shared by the clustering code. */
export function checkMatrix(data: ArrayLike<number>, dim: number, key: string): void {
  if (!Number.isInteger(dim) || dim < 1) throw new ModelsError('INVALID_CONFIG', `${key}: dim must be an integer >= 1, got ${dim}`, { context: { key } });
  if (data.length % dim !== 0) {
    throw new ModelsError('SHAPE_MISMATCH', `${key}: length ${data.length} is not a multiple of dim ${dim}`, { context: { key, length: data.length, dim } });
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i] as number)) {
      throw new ModelsError('INVALID_INPUT', `${key}: value at row ${Math.floor(i / dim)}, column ${i % dim} is ${data[i]} (must be finite); impute missing values first`, {
        context: { key, row: Math.floor(i / dim), column: i % dim },
      });
    }
  }
}
