import { Rng } from '@tunekit/core';
import { PreprocessingError } from './errors';
import { checkSeed } from './split.types';
import type { SplitIndices } from './split.types';

/** Options of {@link perUserHoldout}: exactly one of `fraction` and `leaveLastN`. */
export interface PerUserHoldoutOptions {
  /** Hold out round(count · fraction) random interactions per user. */
  fraction?: number;
  /** Hold out each user's last N interactions (by `timestamps`, else by row order). */
  leaveLastN?: number;
  /** Users with fewer interactions stay wholly in train (default 2). */
  minItems?: number;
  /** [n] times (numbers) ordering each user's interactions for `leaveLastN`. */
  timestamps?: ArrayLike<number>;
  seed: number;
}

/**
 * A per-user holdout for recommenders: for every user with at least `minItems` interactions,
 * some interactions go to test and the rest stay in train; each such user keeps at least one
 * training interaction. Users are visited in order of first appearance with one seeded Rng, so
 * the result depends only on the data and the seed.
 *
 * @param userIds - [n] user id per interaction row
 * @param options - `fraction` or `leaveLastN`, `minItems`, optional `timestamps`, `seed`
 * @returns ascending int32 row indices (validation is empty)
 * @throws PreprocessingError `INVALID_ARGUMENT` for bad options, a missing user id, timestamps of the wrong
 *   length, or a non-finite timestamp (with `leaveLastN`)
 * @example
 * ```ts
 * perUserHoldout(plays.user_id, { leaveLastN: 1, timestamps: plays.ts, seed: 1, minItems: 3 });
 * perUserHoldout(plays.user_id, { fraction: 0.2, seed: 1 });
 * ```
 */
export function perUserHoldout(userIds: ArrayLike<unknown>, options: PerUserHoldoutOptions): SplitIndices {
  const seed = checkSeed(options.seed, 'perUserHoldout');
  const { fraction, leaveLastN, timestamps } = options;
  const minItems = options.minItems ?? 2;
  if ((fraction === undefined) === (leaveLastN === undefined)) {
    throw new PreprocessingError('INVALID_ARGUMENT', 'perUserHoldout: give exactly one of `fraction` and `leaveLastN`.', { context: { fraction, leaveLastN } });
  }
  if (fraction !== undefined && !(fraction > 0 && fraction < 1)) {
    throw new PreprocessingError('INVALID_ARGUMENT', `perUserHoldout: fraction must be in (0, 1), got ${fraction}.`, { context: { fraction } });
  }
  if (leaveLastN !== undefined && !(Number.isInteger(leaveLastN) && leaveLastN >= 1)) {
    throw new PreprocessingError('INVALID_ARGUMENT', `perUserHoldout: leaveLastN must be a positive integer, got ${leaveLastN}.`, { context: { leaveLastN } });
  }
  if (!(Number.isInteger(minItems) && minItems >= 2)) {
    throw new PreprocessingError('INVALID_ARGUMENT', `perUserHoldout: minItems must be an integer ≥ 2 (a user needs one train and one test interaction), got ${minItems}.`, { context: { minItems } });
  }
  const n = userIds.length;
  if (timestamps !== undefined && timestamps.length !== n) {
    throw new PreprocessingError('INVALID_ARGUMENT', `perUserHoldout: timestamps has ${timestamps.length} rows but userIds has ${n}.`, { context: { n, timestamps: timestamps.length } });
  }
  if (timestamps !== undefined && leaveLastN !== undefined) {
    for (let i = 0; i < n; i++) {
      // A NaN would make the sort comparator inconsistent and the held-out rows arbitrary.
      if (!Number.isFinite(timestamps[i] as number)) {
        throw new PreprocessingError('INVALID_ARGUMENT', `perUserHoldout: timestamps[${i}] is ${String(timestamps[i])}; leaveLastN needs a finite time (epoch ms) on every row.`, {
          context: { row: i },
        });
      }
    }
  }
  const rowsByUser = new Map<unknown, number[]>();
  for (let i = 0; i < n; i++) {
    const u = userIds[i];
    if (u === null || u === undefined || u === '') {
      throw new PreprocessingError('INVALID_ARGUMENT', `perUserHoldout: row ${i} has no user id.`, { context: { row: i } });
    }
    const list = rowsByUser.get(u);
    if (list) list.push(i);
    else rowsByUser.set(u, [i]);
  }
  const rng = new Rng(seed);
  const isTest = new Uint8Array(n);
  let nTest = 0;
  for (const rows of rowsByUser.values()) {
    if (rows.length < minItems) continue;
    let held: number[];
    if (leaveLastN !== undefined) {
      const ordered = timestamps === undefined ? rows : [...rows].sort((a, b) => (timestamps[a] as number) - (timestamps[b] as number) || a - b);
      held = ordered.slice(ordered.length - Math.min(leaveLastN, rows.length - 1));
    } else {
      const k = Math.min(Math.max(Math.round(rows.length * (fraction as number)), 1), rows.length - 1);
      held = rng.sample(rows, k);
    }
    for (const r of held) isTest[r] = 1;
    nTest += held.length;
  }
  const train = new Int32Array(n - nTest);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return { train, validation: new Int32Array(0), test };
}
