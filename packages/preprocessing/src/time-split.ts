import { parseDate } from './date.transform';
import { PreprocessingError } from './errors';
import { checkFraction } from './split.types';
import type { SplitIndices } from './split.types';

/** Options of {@link timeSplit}: either explicit cuts or fractions of rows. */
export type TimeSplitOptions =
  | {
      /** Rows at or after this time are test. Epoch ms, `Date` or date string. */
      cut: number | string | Date;
      /** Rows in [validationCut, cut) are validation; must be ≤ cut. */
      validationCut?: number | string | Date;
    }
  | {
      /** The latest ≈ fraction of rows (by time) are test; the cut is the timestamp at that quantile. */
      testFraction: number;
      /** The ≈ fraction of rows just before the test cut are validation. */
      validationFraction?: number;
    };

function toMs(value: unknown, what: string): number {
  const p = parseDate(value);
  if (p === null || p === undefined) {
    throw new PreprocessingError('INVALID_ARGUMENT', `timeSplit: ${what} is not a time (epoch ms, Date or date string): ${JSON.stringify(value)}.`, { context: { what, value } });
  }
  return p.yearOnly ? Date.UTC(p.year, 0, 1) : p.ms;
}

/**
 * A global time cut: every row before the cut trains, every row at or after it tests, so no
 * model sees the future. Deterministic (no seed needed). Ties at a cut all go to the later part.
 *
 * @param timestamps - [n] epoch ms, `Date`s or date strings (year-only strings mean 1 January)
 * @param options - explicit `cut` (+ `validationCut`) or `testFraction` (+ `validationFraction`)
 * @returns ascending int32 row indices of each part, and the cuts used (epoch ms)
 * @throws PreprocessingError `INVALID_ARGUMENT` for a missing/unparseable timestamp (naming the row) or bad options
 * @example
 * ```ts
 * timeSplit(plays.timestamp, { cut: '2009-01-01' });
 * timeSplit(plays.timestamp, { testFraction: 0.2, validationFraction: 0.1 });
 * ```
 */
export function timeSplit(timestamps: ArrayLike<unknown>, options: TimeSplitOptions): SplitIndices & { cut: number; validationCut: number } {
  const n = timestamps.length;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = toMs(timestamps[i], `row ${i}`);
  let cut: number;
  let validationCut: number;
  if ('cut' in options) {
    cut = toMs(options.cut, 'cut');
    validationCut = options.validationCut === undefined ? cut : toMs(options.validationCut, 'validationCut');
    if (validationCut > cut) {
      throw new PreprocessingError('INVALID_ARGUMENT', `timeSplit: validationCut must not be after cut.`, { context: { cut, validationCut } });
    }
  } else {
    const test = checkFraction(options.testFraction, 'testFraction', 'timeSplit');
    const val = checkFraction(options.validationFraction, 'validationFraction', 'timeSplit');
    if (test + val >= 1) throw new PreprocessingError('INVALID_ARGUMENT', `timeSplit: testFraction + validationFraction must be below 1.`, { context: { test, val } });
    const sorted = Float64Array.from(t).sort();
    const at = (k: number): number => (k >= n ? Infinity : (sorted[Math.max(k, 0)] as number));
    cut = n === 0 ? 0 : at(n - Math.round(n * test));
    validationCut = n === 0 ? 0 : Math.min(cut, at(n - Math.round(n * test) - Math.round(n * val)));
  }
  const parts: [number[], number[], number[]] = [[], [], []];
  for (let i = 0; i < n; i++) {
    const v = t[i] as number;
    parts[v >= cut ? 2 : v >= validationCut ? 1 : 0].push(i);
  }
  return { train: Int32Array.from(parts[0]), validation: Int32Array.from(parts[1]), test: Int32Array.from(parts[2]), cut, validationCut };
}
