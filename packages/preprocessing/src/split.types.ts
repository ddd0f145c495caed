import { PreprocessingError } from './errors';

/** Row indices of each part of a split; each int32 array ascending, the three disjoint. */
export interface SplitIndices {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/** The name of a split part. */
export type SplitName = 'train' | 'validation' | 'test';

/**
 * The part each row belongs to (`null` for rows in no part), from split indices.
 *
 * @param n - number of rows
 * @param split - from any split function
 * @returns n labels
 * @example
 * ```ts
 * splitLabels(3, { train: Int32Array.of(0, 2), validation: new Int32Array(0), test: Int32Array.of(1) });
 * // ['train', 'test', 'train']
 * ```
 */
export function splitLabels(n: number, split: SplitIndices): (SplitName | null)[] {
  const out: (SplitName | null)[] = new Array<SplitName | null>(n).fill(null);
  for (const name of ['train', 'validation', 'test'] as const) {
    for (const i of split[name]) out[i] = name;
  }
  return out;
}

/** Sorted int32 copy of row indices. */
export function sortedIndices(list: ArrayLike<number>): Int32Array {
  return Int32Array.from(list).sort();
}

/** Validates a fraction in [0, 1). */
export function checkFraction(value: number | undefined, name: string, fn: string): number {
  const v = value ?? 0;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new PreprocessingError('INVALID_ARGUMENT', `${fn}: ${name} must be a fraction in [0, 1), got ${String(value)}.`, { context: { [name]: value } });
  }
  return v;
}

/** Validates a seed. */
export function checkSeed(seed: unknown, fn: string): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new PreprocessingError('INVALID_ARGUMENT', `${fn}: seed must be a finite number (every split is seeded), got ${String(seed)}.`, { context: { seed } });
  }
  return seed;
}
