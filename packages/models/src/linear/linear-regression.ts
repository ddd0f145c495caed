import { ModelsError } from '../errors';
import { blockedCholeskyInPlace } from '../baselines/cholesky';
import { choleskySolve } from './cholesky';

/** A fitted linear model y ≈ x·w + b. */
export interface LinearModel {
  weights: number[];
  bias: number;
  /** Ridge penalty used (0 = ordinary least squares up to a 1e-8 jitter). */
  l2: number;
}

/**
 * Fits linear regression by the normal equations (XᵀX + λI)w = Xᵀy on centred data (the bias is
 * not penalised), solved with Cholesky in float64.
 *
 * @param x - float32 [n, d] row-major features
 * @param y - float32 [n] targets
 * @param d - number of features
 * @param options.l2 - ridge penalty λ (default 0; a 1e-8·trace jitter keeps it solvable)
 * @throws ModelsError `SHAPE_MISMATCH` when x.length ≠ n·d; `NO_DATA` for n = 0.
 * @example
 * ```ts
 * const m = fitLinearRegression(x, y, 3);
 * const yHat = predictLinear(m, xTest, 3);
 * ```
 */
export function fitLinearRegression(x: ArrayLike<number>, y: ArrayLike<number>, d: number, options: { l2?: number } = {}): LinearModel {
  const n = y.length;
  if (n === 0) throw new ModelsError('NO_DATA', 'fitLinearRegression: no rows');
  if (x.length !== n * d) {
    throw new ModelsError('SHAPE_MISMATCH', `fitLinearRegression: x has ${x.length} values, expected n·d = ${n}·${d}`, { context: { n, d } });
  }
  const l2 = options.l2 ?? 0;
  const mx = new Float64Array(d);
  let my = 0;
  for (let i = 0; i < n; i++) {
    my += y[i] as number;
    for (let j = 0; j < d; j++) mx[j] = (mx[j] as number) + (x[i * d + j] as number);
  }
  my /= n;
  for (let j = 0; j < d; j++) mx[j] = (mx[j] as number) / n;
  const g = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = (x[i * d + j] as number) - (mx[j] as number);
    const yc = (y[i] as number) - my;
    for (let j = 0; j < d; j++) {
      const rj = row[j] as number;
      xty[j] = (xty[j] as number) + rj * yc;
      for (let k = 0; k <= j; k++) g[j * d + k] = (g[j * d + k] as number) + rj * (row[k] as number);
    }
  }
  let trace = 0;
  for (let j = 0; j < d; j++) trace += g[j * d + j] as number;
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) g[k * d + j] = g[j * d + k] as number;
    g[j * d + j] = (g[j * d + j] as number) + l2 + 1e-8 * (trace / Math.max(d, 1) + 1);
  }
  blockedCholeskyInPlace(g, d);
  const w = choleskySolve(g, d, xty);
  let bias = my;
  for (let j = 0; j < d; j++) bias -= (w[j] as number) * (mx[j] as number);
  return { weights: Array.from(w), bias, l2 };
}

/** Predicts with a {@link LinearModel}: float32 [n] from x float32 [n, d]. */
export function predictLinear(model: LinearModel, x: ArrayLike<number>, d: number): Float32Array {
  if (model.weights.length !== d) {
    throw new ModelsError('SHAPE_MISMATCH', `predictLinear: model has ${model.weights.length} weights, input has ${d} features`);
  }
  const n = Math.floor(x.length / d);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = model.bias;
    for (let j = 0; j < d; j++) s += (model.weights[j] as number) * (x[i * d + j] as number);
    out[i] = s;
  }
  return out;
}
