import { Rng } from '@tunekit/core';
import { checkSameLength, MetricsError } from './metrics-error';
import { regularizedIncompleteBeta } from './special-functions';

/** Options of the seeded resampling procedures. */
export interface ResamplingOptions {
  /** Number of resamples; default 10,000. */
  readonly rounds?: number;
  /** Seed of the {@link Rng} from `@tunekit/core`; default 42. */
  readonly seed?: number;
}

/** Options of {@link bootstrapCI}. */
export interface BootstrapOptions extends ResamplingOptions {
  /** Confidence level in (0, 1); default 0.95. */
  readonly level?: number;
}

/** A percentile-bootstrap confidence interval of a mean. */
export interface ConfidenceInterval {
  /** Mean of the sample. */
  readonly mean: number;
  /** Lower bound (the (1 − level)/2 quantile of the bootstrap means). */
  readonly lower: number;
  /** Upper bound (the (1 + level)/2 quantile). */
  readonly upper: number;
  readonly level: number;
  readonly rounds: number;
  /** Number of values resampled. */
  readonly n: number;
}

function rounds(o: ResamplingOptions, where: string): number {
  const r = o.rounds ?? 10_000;
  if (!Number.isInteger(r) || r < 1) throw new MetricsError('INVALID_ARGUMENT', `${where}: rounds must be a positive integer, got ${r}`);
  return r;
}

function finite(values: ArrayLike<number>, where: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new MetricsError('INVALID_ARGUMENT', `${where}: value at index ${i} is ${values[i]}; drop users that were not evaluated (NaN) first, e.g. with pairedValues()`, {
        context: { index: i },
      });
    }
  }
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** Quantile by linear interpolation between order statistics (type 7, numpy's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/**
 * Percentile bootstrap confidence interval of the mean (Efron & Tibshirani 1993): `rounds`
 * resamples with replacement, seeded, interval = [(1−level)/2, (1+level)/2] quantiles (linear
 * interpolation) of the resampled means. For a system comparison pass the per-user differences.
 *
 * @param values - float [n] per-user scores (finite; filter NaN users first).
 * @param options - rounds (10,000), seed (42), level (0.95).
 * @returns mean, lower, upper, level, rounds, n.
 * @throws MetricsError `EMPTY_INPUT` when n = 0; `INVALID_ARGUMENT` on a bad level/rounds or a
 *   non-finite value.
 * @example
 * ```ts
 * bootstrapCI([0.1, 0.4, 0.35, 0.8], { rounds: 2000, seed: 7 }); // { mean: 0.4125, lower: 0.175, upper: 0.6875, ... }
 * ```
 */
export function bootstrapCI(values: ArrayLike<number>, options: BootstrapOptions = {}): ConfidenceInterval {
  const n = values.length;
  if (n === 0) throw new MetricsError('EMPTY_INPUT', 'bootstrapCI: no values');
  finite(values, 'bootstrapCI');
  const r = rounds(options, 'bootstrapCI');
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new MetricsError('INVALID_ARGUMENT', `bootstrapCI: level must be in (0, 1), got ${level}`);
  const rng = new Rng(options.seed ?? 42);
  const means = new Float64Array(r);
  for (let b = 0; b < r; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[rng.int(n)] as number;
    means[b] = s / n;
  }
  means.sort();
  return {
    mean: mean(values),
    lower: quantileSorted(means, (1 - level) / 2),
    upper: quantileSorted(means, (1 + level) / 2),
    level,
    rounds: r,
    n,
  };
}

/** Result of a paired test. */
export interface PairedTestResult {
  /** mean(a) − mean(b). */
  readonly meanDifference: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Number of pairs. */
  readonly n: number;
}

/** Result of {@link pairedTTest}. */
export interface PairedTTestResult extends PairedTestResult {
  /** t = mean(d) / (sd(d)/√n), sd with n − 1. ±Infinity when sd = 0 and mean ≠ 0. */
  readonly t: number;
  /** Degrees of freedom n − 1. */
  readonly df: number;
}

/** Result of {@link pairedPermutationTest}. */
export interface PermutationTestResult extends PairedTestResult {
  readonly rounds: number;
  readonly seed: number;
}

/**
 * Paired randomisation (sign-flip permutation) test of mean(a − b) = 0 (Fisher; Smucker, Allan &
 * Carterette 2007): each round flips the sign of every per-user difference with probability ½;
 * p = (1 + #{rounds with |mean| ≥ |observed mean|}) / (1 + rounds), two-sided (the +1 keeps p > 0
 * and the test exact-valid). Seeded, so the p-value is reproducible.
 *
 * @param a - float [n] per-user scores of system A. @param b - float [n] of system B, same users.
 * @param options - rounds (10,000), seed (42).
 * @returns mean difference, two-sided p, n, rounds, seed.
 * @throws MetricsError `SHAPE_MISMATCH`, `EMPTY_INPUT`, `INVALID_ARGUMENT` (non-finite values).
 * @example
 * ```ts
 * pairedPermutationTest([0.5, 0.6, 0.7], [0.5, 0.6, 0.7]).pValue; // 1 (no difference)
 * ```
 */
export function pairedPermutationTest(a: ArrayLike<number>, b: ArrayLike<number>, options: ResamplingOptions = {}): PermutationTestResult {
  const d = differences(a, b, 'pairedPermutationTest');
  const n = d.length;
  const r = rounds(options, 'pairedPermutationTest');
  const seed = options.seed ?? 42;
  const rng = new Rng(seed);
  const observed = Math.abs(mean(d));
  // Relative slack so that floating-point reordering never hides a tie with the observed value.
  const threshold = observed - 1e-12 * Math.max(1, observed);
  let extreme = 0;
  for (let round = 0; round < r; round++) {
    let s = 0;
    let bits = 0;
    let left = 0;
    for (let i = 0; i < n; i++) {
      if (left === 0) {
        bits = rng.nextUint32();
        left = 32;
      }
      s += bits & 1 ? (d[i] as number) : -(d[i] as number);
      bits >>>= 1;
      left--;
    }
    if (Math.abs(s / n) >= threshold) extreme++;
  }
  return { meanDifference: mean(d), pValue: (extreme + 1) / (r + 1), n, rounds: r, seed };
}

function differences(a: ArrayLike<number>, b: ArrayLike<number>, where: string): Float64Array {
  checkSameLength(a.length, b.length, where, 'a and b');
  if (a.length === 0) throw new MetricsError('EMPTY_INPUT', `${where}: no pairs`);
  finite(a, where);
  finite(b, where);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = (a[i] as number) - (b[i] as number);
  return d;
}

/**
 * Paired Student t-test of mean(a − b) = 0: t = d̄ / (s_d / √n), df = n − 1, two-sided
 * p = I_{df/(df+t²)}(df/2, ½) (regularized incomplete beta, see {@link regularizedIncompleteBeta}).
 * When all differences are equal: p = 1 if they are 0, else p = 0 (t = ±∞).
 *
 * @param a - float [n]. @param b - float [n], same users in the same order.
 * @returns t, df, two-sided p, mean difference, n.
 * @throws MetricsError `EMPTY_INPUT` when n < 2; `SHAPE_MISMATCH`; `INVALID_ARGUMENT` (non-finite).
 * @example
 * ```ts
 * // d = [1, 2, 3]: d̄ = 2, s = 1, t = 2√3 = 3.4641, df = 2, p = 0.0742
 * pairedTTest([2, 4, 6], [1, 2, 3]);
 * ```
 */
export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>): PairedTTestResult {
  const d = differences(a, b, 'pairedTTest');
  const n = d.length;
  if (n < 2) throw new MetricsError('EMPTY_INPUT', `pairedTTest: needs at least 2 pairs, got ${n}`);
  const m = mean(d);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((d[i] as number) - m) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const df = n - 1;
  if (sd === 0) {
    return { t: m === 0 ? 0 : m > 0 ? Infinity : -Infinity, df, pValue: m === 0 ? 1 : 0, meanDifference: m, n };
  }
  const t = m / (sd / Math.sqrt(n));
  const p = regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return { t, df, pValue: Math.min(1, Math.max(0, p)), meanDifference: m, n };
}

/**
 * Keeps the users where both systems have a finite score (users without relevant items are NaN
 * in per-user arrays) and reports how many were dropped, so nothing is dropped silently.
 *
 * @param a - float [users]. @param b - float [users].
 * @returns the paired finite values and the count dropped.
 * @throws MetricsError `SHAPE_MISMATCH` when lengths differ.
 * @example
 * ```ts
 * pairedValues([1, NaN, 3], [2, 2, NaN]); // { a: [1], b: [2], dropped: 2 }
 * ```
 */
export function pairedValues(a: ArrayLike<number>, b: ArrayLike<number>): { a: Float64Array; b: Float64Array; dropped: number } {
  checkSameLength(a.length, b.length, 'pairedValues', 'a and b');
  const ka: number[] = [];
  const kb: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      ka.push(x);
      kb.push(y);
    }
  }
  return { a: Float64Array.from(ka), b: Float64Array.from(kb), dropped: a.length - ka.length };
}

/** Result of {@link compareSystems}. */
export interface SystemComparison {
  readonly meanA: number;
  readonly meanB: number;
  /** Bootstrap CI of the per-user difference a − b. */
  readonly difference: ConfidenceInterval;
  readonly permutation: PermutationTestResult;
  readonly tTest: PairedTTestResult;
  /** Users used (finite in both). */
  readonly n: number;
  /** Users dropped because either score was not finite (e.g. not evaluated). */
  readonly dropped: number;
}

/**
 * Compares two systems on the same users: per-user arrays in, bootstrap CI of the mean difference,
 * paired permutation test and paired t-test out, all seeded (the three share `seed`).
 *
 * @param a - float [users] per-user metric of system A (NaN = not evaluated).
 * @param b - float [users] of system B, same user order.
 * @param options - rounds (10,000), seed (42), level (0.95).
 * @returns means, CI of the difference, both tests, n and dropped.
 * @throws MetricsError `SHAPE_MISMATCH`; `EMPTY_INPUT` when fewer than 2 users are paired.
 * @example
 * ```ts
 * const c = compareSystems(evalA.perUser['ndcg@10'], evalB.perUser['ndcg@10'], { seed: 1 });
 * c.permutation.pValue < 0.05;
 * ```
 */
export function compareSystems(a: ArrayLike<number>, b: ArrayLike<number>, options: BootstrapOptions = {}): SystemComparison {
  const p = pairedValues(a, b);
  if (p.a.length < 2) throw new MetricsError('EMPTY_INPUT', `compareSystems: ${p.a.length} users have finite scores in both systems; need ≥ 2`);
  const d = new Float64Array(p.a.length);
  for (let i = 0; i < d.length; i++) d[i] = (p.a[i] as number) - (p.b[i] as number);
  return {
    meanA: mean(p.a),
    meanB: mean(p.b),
    difference: bootstrapCI(d, options),
    permutation: pairedPermutationTest(p.a, p.b, options),
    tTest: pairedTTest(p.a, p.b),
    n: p.a.length,
    dropped: p.dropped,
  };
}
