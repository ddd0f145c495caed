import { checkSameLength, MetricsError } from './metrics-error';

function check(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, where: string): void {
  checkSameLength(yTrue.length, yPred.length, where, 'yTrue and yPred');
  if (yTrue.length === 0) throw new MetricsError('EMPTY_INPUT', `${where}: no examples`);
  for (let i = 0; i < yTrue.length; i++) {
    if (!Number.isFinite(yTrue[i] as number) || !Number.isFinite(yPred[i] as number)) {
      throw new MetricsError('INVALID_ARGUMENT', `${where}: non-finite value at index ${i} (true ${yTrue[i]}, predicted ${yPred[i]})`, {
        context: { index: i },
      });
    }
  }
}

/**
 * Root mean squared error: sqrt((1/n) Σ (y − ŷ)²).
 * @param yTrue - float [n]. @param yPred - float [n].
 * @returns RMSE ≥ 0.
 * @throws MetricsError `SHAPE_MISMATCH`, `EMPTY_INPUT`, `INVALID_ARGUMENT` (non-finite values).
 * @example
 * ```ts
 * rmse([1, 2, 3], [1, 2, 5]); // sqrt(4/3) = 1.1547
 * ```
 */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred, 'rmse');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = (yTrue[i] as number) - (yPred[i] as number);
    s += d * d;
  }
  return Math.sqrt(s / yTrue.length);
}

/**
 * Mean absolute error: (1/n) Σ |y − ŷ|.
 * @param yTrue - float [n]. @param yPred - float [n].
 * @returns MAE ≥ 0.
 * @throws MetricsError `SHAPE_MISMATCH`, `EMPTY_INPUT`, `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * mae([1, 2, 3], [1, 2, 5]); // 2/3
 * ```
 */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred, 'mae');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs((yTrue[i] as number) - (yPred[i] as number));
  return s / yTrue.length;
}

/**
 * Coefficient of determination: R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)². When y is constant
 * (Σ(y − ȳ)² = 0) it returns 1 for a perfect prediction and 0 otherwise (sklearn's
 * `force_finite`). Can be negative.
 * @param yTrue - float [n]. @param yPred - float [n].
 * @returns R² ≤ 1.
 * @throws MetricsError `SHAPE_MISMATCH`, `EMPTY_INPUT`, `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * r2([1, 2, 3], [1, 2, 5]); // 1 − 4/2 = −1
 * ```
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred, 'r2');
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i] as number;
  mean /= yTrue.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i] as number;
    const d = y - (yPred[i] as number);
    res += d * d;
    tot += (y - mean) * (y - mean);
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/**
 * Mean absolute percentage error as a fraction (not ×100): (1/n) Σ |y − ŷ| / max(|y|, ε),
 * ε = 2.220446049250313e-16 (sklearn's guard; a zero target makes MAPE huge, by design).
 * @param yTrue - float [n]. @param yPred - float [n].
 * @returns MAPE ≥ 0.
 * @throws MetricsError `SHAPE_MISMATCH`, `EMPTY_INPUT`, `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * mape([100, 200], [110, 150]); // (0.1 + 0.25) / 2 = 0.175
 * ```
 */
export function mape(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred, 'mape');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i] as number;
    s += Math.abs(y - (yPred[i] as number)) / Math.max(Math.abs(y), Number.EPSILON);
  }
  return s / yTrue.length;
}

/** RMSE, MAE, R² and MAPE of one scale. */
export interface RegressionScores {
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
  readonly mape: number;
}

/** Result of {@link regressionMetrics}: the model scale and, if asked, the inverse-transformed one. */
export interface RegressionMetrics extends RegressionScores {
  /** Number of examples. */
  readonly n: number;
  /** The same four metrics after applying the inverse transform to both y and ŷ. */
  readonly original?: RegressionScores;
}

/**
 * Inverse transforms commonly needed for targets trained on a transformed scale.
 *
 * @example
 * ```ts
 * regressionMetrics(yLog1p, predLog1p, INVERSE_TRANSFORMS.expm1).original?.rmse; // RMSE in listens
 * ```
 */
export const INVERSE_TRANSFORMS: Readonly<Record<'expm1' | 'exp' | 'identity', (x: number) => number>> = Object.freeze({
  /** Inverse of log1p (counts such as listens). */
  expm1: Math.expm1,
  /** Inverse of ln. */
  exp: Math.exp,
  identity: (x: number) => x,
});

/**
 * All regression metrics on the model's scale and, with `inverse`, on the original scale, e.g.
 * targets trained as log1p(listens) and reported also in listens via `INVERSE_TRANSFORMS.expm1`.
 * The inverse is applied to both y and ŷ before scoring (so errors are in original units).
 *
 * @param yTrue - float [n] on the model scale. @param yPred - float [n] on the model scale.
 * @param inverse - optional element-wise inverse transform.
 * @returns rmse, mae, r2, mape, n, and `original` when `inverse` is given.
 * @throws MetricsError `INVALID_ARGUMENT` when a value (or an inverse-transformed one) is not finite.
 * @example
 * ```ts
 * regressionMetrics([Math.log1p(9)], [Math.log1p(19)], INVERSE_TRANSFORMS.expm1).original?.mae; // 10
 * ```
 */
export function regressionMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  inverse?: (x: number) => number,
): RegressionMetrics {
  const base = { rmse: rmse(yTrue, yPred), mae: mae(yTrue, yPred), r2: r2(yTrue, yPred), mape: mape(yTrue, yPred), n: yTrue.length };
  if (!inverse) return base;
  const t = Float64Array.from(yTrue as ArrayLike<number>, inverse);
  const p = Float64Array.from(yPred as ArrayLike<number>, inverse);
  return { ...base, original: { rmse: rmse(t, p), mae: mae(t, p), r2: r2(t, p), mape: mape(t, p) } };
}
