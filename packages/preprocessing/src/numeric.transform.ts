import { PreprocessingError } from './errors';
import type { Column } from './columns';

/**
 * A declarative numeric step, in pipeline order:
 * `coerce` (parse numeric strings, turn anything else into a missing value, reported),
 * `impute:median` | `impute:mean` | `impute:zero` (fill missing values; statistic fitted on train),
 * `log1p` (x → ln(1 + x), for heavy-tailed counts), `cap:<k>` (clip to mean ± k·std fitted at
 * that point of the pipeline), `zscore` ((x − mean) / std), `minmax` ((x − min) / (max − min)).
 */
export type NumericStep =
  | 'coerce'
  | 'impute:median'
  | 'impute:mean'
  | 'impute:zero'
  | 'log1p'
  | `cap:${number}`
  | 'zscore'
  | 'minmax';

/** A numeric step with its fitted parameters (plain JSON). */
export type FittedNumericStep =
  | { readonly op: 'impute'; readonly strategy: 'median' | 'mean' | 'zero'; readonly value: number }
  | { readonly op: 'log1p' }
  | { readonly op: 'cap'; readonly sigma: number; readonly lo: number; readonly hi: number }
  | { readonly op: 'zscore'; readonly mean: number; readonly std: number }
  | { readonly op: 'minmax'; readonly min: number; readonly max: number };

/** Counts of what coercion found in one column. */
export interface CoercionCounts {
  /** Strings that are not numbers (e.g. `"n/a"`), turned into missing values. */
  nonNumeric: number;
  /** NaN or ±Infinity cells (and empty strings). */
  nan: number;
  /** `null` / `undefined` cells. */
  null: number;
}

const NUMERIC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Converts one column to float64, with missing values as NaN, counting what it converted.
 *
 * @param values - any column: typed array or array of numbers/strings/booleans/null
 * @param options.coerce - when false, a non-numeric string throws instead of becoming NaN
 * @param options.column - column name for messages
 * @returns float64 [n] values (NaN = missing) and the counts
 * @throws PreprocessingError `NON_NUMERIC` for a non-numeric string when `coerce` is false
 * @example
 * ```ts
 * coerceNumeric(['1.5', 'n/a', null, 3], { coerce: true, column: 'x' });
 * // values [1.5, NaN, NaN, 3], counts { nonNumeric: 1, nan: 0, null: 1 }
 * ```
 */
export function coerceNumeric(
  values: Column,
  options: { coerce: boolean; column: string },
): { values: Float64Array; counts: CoercionCounts } {
  const n = values.length;
  const counts: CoercionCounts = { nonNumeric: 0, nan: 0, null: 0 };
  if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array ||
      values instanceof Uint32Array || values instanceof Int16Array || values instanceof Uint16Array ||
      values instanceof Int8Array || values instanceof Uint8Array) {
    const out = Float64Array.from(values);
    for (let i = 0; i < n; i++) {
      const v = out[i] as number;
      if (!Number.isFinite(v)) {
        counts.nan++;
        out[i] = NaN;
      }
    }
    return { values: out, counts };
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'number') {
      if (Number.isFinite(v)) out[i] = v;
      else {
        out[i] = NaN;
        counts.nan++;
      }
    } else if (v === null || v === undefined) {
      out[i] = NaN;
      counts.null++;
    } else if (typeof v === 'boolean') {
      out[i] = v ? 1 : 0;
    } else if (typeof v === 'bigint') {
      out[i] = Number(v);
    } else {
      const s = (typeof v === 'string' ? v : String(v)).trim();
      if (s === '' || s === 'NaN' || s === 'nan') {
        out[i] = NaN;
        counts.nan++;
      } else if (NUMERIC_RE.test(s)) {
        out[i] = Number(s);
      } else if (s === 'true' || s === 'false') {
        out[i] = s === 'true' ? 1 : 0;
      } else if (options.coerce) {
        out[i] = NaN;
        counts.nonNumeric++;
      } else {
        throw new PreprocessingError(
          'NON_NUMERIC',
          `Column "${options.column}" row ${i}: ${JSON.stringify(s).slice(0, 60)} is not a number; ` +
            `add the 'coerce' step to turn such values into missing values (reported), or clean the input.`,
          { context: { column: options.column, row: i, value: s } },
        );
      }
    }
  }
  return { values: out, counts };
}

/**
 * Median of the non-NaN values (mean of the two middle values for an even count).
 *
 * @param values - float64 [n], NaN = missing
 * @returns the median, or NaN when every value is missing
 * @example
 * ```ts
 * median(Float64Array.of(3, NaN, 1, 2)); // 2
 * ```
 */
export function median(values: ArrayLike<number>): number {
  let k = 0;
  const finite = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) finite[k++] = v;
  }
  if (k === 0) return NaN;
  const sorted = finite.subarray(0, k).sort();
  const mid = k >> 1;
  return k % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Mean and population standard deviation of the non-NaN values (two-pass, numerically stable).
 *
 * @param values - float64 [n], NaN = missing
 * @returns `{ mean, std, count }`; mean/std NaN when nothing is present
 * @example
 * ```ts
 * meanStd([1, 2, 3, 4]); // { mean: 2.5, std: 1.118…, count: 4 }
 * ```
 */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  if (count === 0) return { mean: NaN, std: NaN, count };
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
  }
  return { mean, std: Math.sqrt(ss / count), count };
}

/**
 * Parses the declarative step list, with path-named errors.
 *
 * @param steps - the steps as written in the spec
 * @param path - spec path for messages, e.g. `features[0].steps`
 * @returns `{ coerce, steps }` — whether coercion is on, and the remaining ops in order
 * @throws PreprocessingError `INVALID_SPEC` for an unknown step or a bad cap value
 * @example
 * ```ts
 * parseNumericSteps(['coerce', 'impute:median', 'cap:3'], 'x.steps');
 * ```
 */
export function parseNumericSteps(
  steps: readonly string[],
  path: string,
): { coerce: boolean; ops: NumericOp[] } {
  let coerce = false;
  const ops: NumericOp[] = [];
  steps.forEach((step, i) => {
    if (typeof step !== 'string') {
      throw new PreprocessingError('INVALID_SPEC', `${path}[${i}] must be a step string, got ${JSON.stringify(step)}.`, { context: { path: `${path}[${i}]` } });
    }
    if (step === 'coerce') {
      if (i !== 0) throw new PreprocessingError('INVALID_SPEC', `${path}[${i}]: 'coerce' must be the first step.`, { context: { path: `${path}[${i}]` } });
      coerce = true;
    } else if (step === 'impute:median' || step === 'impute:mean' || step === 'impute:zero') {
      ops.push({ op: 'impute', strategy: step.slice(7) as 'median' | 'mean' | 'zero' });
    } else if (step === 'log1p' || step === 'zscore' || step === 'minmax') {
      ops.push({ op: step });
    } else if (step.startsWith('cap:')) {
      const sigma = Number(step.slice(4));
      if (!(sigma > 0) || !Number.isFinite(sigma) || step.slice(4).trim() === '') {
        throw new PreprocessingError('INVALID_SPEC', `${path}[${i}]: '${step}' needs a positive number of standard deviations, e.g. 'cap:3'.`, { context: { path: `${path}[${i}]`, step } });
      }
      ops.push({ op: 'cap', sigma });
    } else {
      throw new PreprocessingError(
        'INVALID_SPEC',
        `${path}[${i}]: unknown step ${JSON.stringify(step)}; expected one of coerce, impute:median, impute:mean, impute:zero, log1p, cap:<k>, zscore, minmax.`,
        { context: { path: `${path}[${i}]`, step } },
      );
    }
  });
  return { coerce, ops };
}

/** An unfitted numeric op (the parsed form of a {@link NumericStep}). */
export type NumericOp =
  | { op: 'impute'; strategy: 'median' | 'mean' | 'zero' }
  | { op: 'log1p' }
  | { op: 'cap'; sigma: number }
  | { op: 'zscore' }
  | { op: 'minmax' };

/** Counts that applying numeric steps adds to a column's report. */
export interface NumericApplyCounts {
  imputed: number;
  capped: number;
}

/**
 * Fits each op on the training values (in order, each op seeing the output of the previous one)
 * and applies it, in place.
 *
 * @param values - float64 [n] training values, NaN = missing; overwritten with the transformed values
 * @param ops - parsed ops
 * @param column - name for messages
 * @returns fitted steps (plain JSON) and the counts from applying them to the training values
 * @throws PreprocessingError `INVALID_VALUE` for log1p of a value ≤ −1
 * @example
 * ```ts
 * const v = Float64Array.of(1, NaN, 3);
 * fitNumericSteps(v, [{ op: 'impute', strategy: 'median' }], 'x'); // v = [1, 2, 3]
 * ```
 */
export function fitNumericSteps(
  values: Float64Array,
  ops: readonly NumericOp[],
  column: string,
): { steps: FittedNumericStep[]; counts: NumericApplyCounts } {
  const steps: FittedNumericStep[] = [];
  const counts: NumericApplyCounts = { imputed: 0, capped: 0 };
  for (const op of ops) {
    let fitted: FittedNumericStep;
    switch (op.op) {
      case 'impute': {
        let value = 0;
        if (op.strategy === 'median') value = median(values);
        else if (op.strategy === 'mean') value = meanStd(values).mean;
        // Every training value missing: fall back to 0 rather than fill NaN.
        if (Number.isNaN(value)) value = 0;
        fitted = { op: 'impute', strategy: op.strategy, value };
        break;
      }
      case 'log1p':
        fitted = { op: 'log1p' };
        break;
      case 'cap': {
        const { mean, std } = meanStd(values);
        const m = Number.isNaN(mean) ? 0 : mean;
        const s = Number.isNaN(std) ? 0 : std;
        fitted = { op: 'cap', sigma: op.sigma, lo: m - op.sigma * s, hi: m + op.sigma * s };
        break;
      }
      case 'zscore': {
        const { mean, std } = meanStd(values);
        // A constant training column maps to 0 instead of dividing by zero.
        fitted = { op: 'zscore', mean: Number.isNaN(mean) ? 0 : mean, std: std > 0 ? std : 1 };
        break;
      }
      case 'minmax': {
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < values.length; i++) {
          const v = values[i] as number;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        if (min === Infinity) {
          min = 0;
          max = 1;
        }
        fitted = { op: 'minmax', min, max };
        break;
      }
    }
    applyNumericStep(values, fitted, column, counts);
    steps.push(fitted);
  }
  return { steps, counts };
}

/**
 * Applies fitted steps in place (no statistic is recomputed: transform never learns).
 *
 * @param values - float64 [n], NaN = missing; overwritten
 * @param steps - fitted steps from {@link fitNumericSteps}
 * @param column - name for messages
 * @returns counts of imputed and capped values
 * @throws PreprocessingError `INVALID_VALUE` for log1p of a value ≤ −1
 * @example
 * ```ts
 * applyNumericSteps(v, [{ op: 'zscore', mean: 2, std: 1 }], 'x');
 * ```
 */
export function applyNumericSteps(
  values: Float64Array,
  steps: readonly FittedNumericStep[],
  column: string,
): NumericApplyCounts {
  const counts: NumericApplyCounts = { imputed: 0, capped: 0 };
  for (const step of steps) applyNumericStep(values, step, column, counts);
  return counts;
}

function applyNumericStep(values: Float64Array, step: FittedNumericStep, column: string, counts: NumericApplyCounts): void {
  const n = values.length;
  switch (step.op) {
    case 'impute': {
      const fill = step.value;
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(values[i] as number)) {
          values[i] = fill;
          counts.imputed++;
        }
      }
      return;
    }
    case 'log1p':
      for (let i = 0; i < n; i++) {
        const v = values[i] as number;
        if (v <= -1) {
          throw new PreprocessingError(
            'INVALID_VALUE',
            `Column "${column}" row ${i}: log1p needs values > -1, got ${v}; drop the 'log1p' step or clean the column.`,
            { context: { column, row: i, value: v } },
          );
        }
        values[i] = Math.log1p(v);
      }
      return;
    case 'cap': {
      const { lo, hi } = step;
      for (let i = 0; i < n; i++) {
        const v = values[i] as number;
        if (v < lo) {
          values[i] = lo;
          counts.capped++;
        } else if (v > hi) {
          values[i] = hi;
          counts.capped++;
        }
      }
      return;
    }
    case 'zscore': {
      const { mean, std } = step;
      for (let i = 0; i < n; i++) values[i] = ((values[i] as number) - mean) / std;
      return;
    }
    case 'minmax': {
      const range = step.max - step.min;
      const scale = range > 0 ? 1 / range : 0;
      for (let i = 0; i < n; i++) values[i] = ((values[i] as number) - step.min) * scale;
      return;
    }
  }
}

/**
 * ln(1 + x) elementwise, into a new float32 array.
 *
 * @param values - [n] values > −1
 * @returns float32 [n]
 * @example
 * ```ts
 * log1p([0, Math.E - 1]); // [0, 1]
 * ```
 */
export function log1p(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.log1p(values[i] as number);
  return out;
}

/**
 * exp(x) − 1 elementwise (the inverse of {@link log1p}), into a new float32 array.
 *
 * @param values - [n] values
 * @returns float32 [n]
 * @example
 * ```ts
 * expm1([0, 1]); // [0, 1.718…]
 * ```
 */
export function expm1(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.expm1(values[i] as number);
  return out;
}
