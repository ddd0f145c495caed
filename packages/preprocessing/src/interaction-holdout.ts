import { PreprocessingError } from './errors';
import { groupedSplit } from './grouped-split';
import { perUserHoldout } from './per-user-holdout';

/** Options of {@link holdoutInteractions}. */
export interface InteractionHoldoutOptions {
  /** Share of each (warm) user's interactions held out for test, in (0, 1). */
  fraction: number;
  /** Users with fewer interactions keep all of them in train (≥ 2). */
  minItems: number;
  /** Share of interactions whose USERS are held out entirely (cold-start users: never seen in training); 0 = none. */
  coldUsers?: number;
  seed: number;
}

/** Row indices of {@link holdoutInteractions}'s parts (ascending). */
export interface InteractionHoldout {
  /** Rows to train on. */
  readonly train: Int32Array;
  /** Held-out rows of users who also have training rows (warm users). */
  readonly test: Int32Array;
  /** Every row of the cold-start users (users with no training row). */
  readonly cold: Int32Array;
}

/**
 * The evaluation split of a play log: first (optionally) a seeded user-disjoint share of cold-start
 * users, then a seeded per-user holdout of the remaining users' interactions. Deterministic for a
 * given row order and seed, so a trainer and an evaluator reading the same rows agree on it.
 *
 * @param userKeys - [n] user key per interaction row
 * @param options - {@link InteractionHoldoutOptions}
 * @returns ascending row indices of train, (warm) test and cold rows
 * @throws PreprocessingError `INVALID_ARGUMENT` for fractions outside (0, 1) (coldUsers in [0, 1)), bad seeds, or no rows
 * @example
 * ```ts
 * const { train, test, cold } = holdoutInteractions(plays.userIds, { fraction: 0.2, minItems: 5, coldUsers: 0.1, seed: 42 });
 * ```
 */
export function holdoutInteractions(userKeys: ArrayLike<unknown>, options: InteractionHoldoutOptions): InteractionHoldout {
  const n = userKeys.length;
  if (n === 0) throw new PreprocessingError('INVALID_ARGUMENT', 'holdoutInteractions: no interactions to split.');
  const coldShare = options.coldUsers ?? 0;
  if (!(coldShare >= 0 && coldShare < 1)) throw new PreprocessingError('INVALID_ARGUMENT', `holdoutInteractions: coldUsers must be in [0, 1), got ${coldShare}.`, { context: { coldUsers: coldShare } });
  let warm: Int32Array = Int32Array.from({ length: n }, (_, k) => k);
  let cold: Int32Array = new Int32Array(0);
  if (coldShare > 0) {
    const byUser = groupedSplit(userKeys, { test: coldShare, seed: options.seed });
    cold = byUser.test;
    warm = byUser.train;
  }
  const warmKeys = Array.from(warm, (k) => userKeys[k]);
  const split = perUserHoldout(warmKeys, { fraction: options.fraction, minItems: options.minItems, seed: options.seed + 1 });
  const pick = (rows: Int32Array): Int32Array => Int32Array.from(rows, (r) => warm[r]!).sort();
  return { train: pick(split.train), test: pick(split.test), cold };
}
