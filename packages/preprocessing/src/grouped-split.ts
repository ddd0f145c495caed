import { Rng } from '@tunekit/core';
import { PreprocessingError } from './errors';
import { checkFraction, checkSeed } from './split.types';
import type { SplitIndices } from './split.types';

/** Options of {@link groupedSplit}. */
export interface GroupedSplitOptions {
  /** Target fraction of rows in test, e.g. 0.2. */
  test: number;
  /** Target fraction of rows in validation; default 0. */
  validation?: number;
  seed: number;
}

/**
 * A seeded split where every group (e.g. artist) lands wholly in one part, so no group is in two
 * parts. Groups are shuffled, then given to test until it holds ≥ round(n·test) rows, then to
 * validation likewise, the rest to train; part sizes are therefore approximate (one group's
 * rows at most over target).
 *
 * @param groupKeys - [n] group key per row (string or number); missing keys are an error
 * @param options - target fractions of rows and the seed
 * @returns ascending int32 row indices of each part
 * @throws PreprocessingError `INVALID_ARGUMENT` for a missing key, bad fractions or seed, or when every
 *   group went to test/validation (too few or too large groups), leaving train empty
 * @example
 * ```ts
 * const split = groupedSplit(columns.artist_id, { test: 0.2, seed: 7 }); // artist-disjoint
 * ```
 */
export function groupedSplit(groupKeys: ArrayLike<unknown>, options: GroupedSplitOptions): SplitIndices {
  const test = checkFraction(options.test, 'test', 'groupedSplit');
  const validation = checkFraction(options.validation, 'validation', 'groupedSplit');
  const seed = checkSeed(options.seed, 'groupedSplit');
  if (test + validation >= 1) {
    throw new PreprocessingError('INVALID_ARGUMENT', `groupedSplit: test + validation = ${test + validation} leaves no training rows; keep the sum below 1.`, { context: { test, validation } });
  }
  const n = groupKeys.length;
  const groupOf = new Int32Array(n);
  const ids = new Map<unknown, number>();
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = groupKeys[i];
    if (key === null || key === undefined || (typeof key === 'number' && Number.isNaN(key)) || key === '') {
      throw new PreprocessingError('INVALID_ARGUMENT', `groupedSplit: row ${i} has no group key; fill or drop rows without a group before splitting.`, { context: { row: i } });
    }
    const k = typeof key === 'number' || typeof key === 'string' ? key : String(key);
    let g = ids.get(k);
    if (g === undefined) {
      g = sizes.length;
      ids.set(k, g);
      sizes.push(0);
    }
    sizes[g] = (sizes[g] as number) + 1;
    groupOf[i] = g;
  }
  const order = new Rng(seed).permutation(sizes.length);
  const part = new Uint8Array(sizes.length); // 0 train, 1 validation, 2 test
  const targetTest = Math.round(n * test);
  const targetVal = Math.round(n * validation);
  let inTest = 0;
  let inVal = 0;
  for (const g of order) {
    const size = sizes[g] as number;
    if (inTest < targetTest) {
      part[g] = 2;
      inTest += size;
    } else if (inVal < targetVal) {
      part[g] = 1;
      inVal += size;
    }
  }
  if (n > 0 && inTest + inVal === n) {
    let largest = 0;
    for (const size of sizes) largest = Math.max(largest, size);
    throw new PreprocessingError(
      'INVALID_ARGUMENT',
      `groupedSplit: no group is left for training (${sizes.length} group(s) over ${n} rows, largest has ${largest} rows); ` +
        `use smaller test/validation fractions, finer groups, or a different seed.`,
      { context: { groups: sizes.length, rows: n, largestGroup: largest, test, validation, seed } },
    );
  }
  const train = new Int32Array(n - inTest - inVal);
  const val = new Int32Array(inVal);
  const tst = new Int32Array(inTest);
  let a = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const p = part[groupOf[i] as number];
    if (p === 2) tst[c++] = i;
    else if (p === 1) val[b++] = i;
    else train[a++] = i;
  }
  return { train, validation: val, test: tst };
}
