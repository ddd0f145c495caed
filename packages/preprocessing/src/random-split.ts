import { Rng } from '@tunekit/core';
import { PreprocessingError } from './errors';
import { checkFraction, checkSeed, sortedIndices } from './split.types';
import type { SplitIndices } from './split.types';

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  /** Fraction of all rows in test, e.g. 0.2. */
  test: number;
  /** Fraction of all rows in validation (carved out of the rest), e.g. 0.1; default 0. */
  validation?: number;
  seed: number;
}

/**
 * A seeded random split of n rows: a permutation of 0..n−1 whose first round(n·test) rows are
 * test, the next round(n·validation) validation, the rest train.
 *
 * @param n - number of rows
 * @param options - fractions of all rows and the seed
 * @returns ascending int32 row indices of each part
 * @throws PreprocessingError `INVALID_ARGUMENT` for a bad n, fraction or seed, or test + validation ≥ 1
 * @example
 * ```ts
 * const { train, validation, test } = randomSplit(1000, { test: 0.2, validation: 0.1, seed: 42 }); // 700 / 100 / 200
 * ```
 */
export function randomSplit(n: number, options: RandomSplitOptions): SplitIndices {
  if (!Number.isInteger(n) || n < 0) throw new PreprocessingError('INVALID_ARGUMENT', `randomSplit: n must be a non-negative integer, got ${n}.`, { context: { n } });
  const test = checkFraction(options.test, 'test', 'randomSplit');
  const validation = checkFraction(options.validation, 'validation', 'randomSplit');
  const seed = checkSeed(options.seed, 'randomSplit');
  if (test + validation >= 1) {
    throw new PreprocessingError('INVALID_ARGUMENT', `randomSplit: test + validation = ${test + validation} leaves no training rows; keep the sum below 1.`, { context: { test, validation } });
  }
  const perm = new Rng(seed).permutation(n);
  const nTest = Math.round(n * test);
  const nVal = Math.round(n * validation);
  return {
    test: sortedIndices(perm.subarray(0, nTest)),
    validation: sortedIndices(perm.subarray(nTest, nTest + nVal)),
    train: sortedIndices(perm.subarray(nTest + nVal)),
  };
}
