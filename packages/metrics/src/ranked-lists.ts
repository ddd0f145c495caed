import { MetricsError } from './metrics-error';

/**
 * Ranked item lists of many users in compressed-sparse-row form: user u's list, best first, is
 * `items[offsets[u] .. offsets[u+1])`. `offsets` has length users + 1.
 */
export interface RankedLists {
  /** int32 [total] — item ids, best first within each user. */
  readonly items: Int32Array;
  /** int32 [users + 1] — start of each user's list, ending with items.length. */
  readonly offsets: Int32Array;
}

/**
 * Accepted shapes of ranked lists:
 * - {@link RankedLists} (flat with offsets);
 * - `{ items, k }`: flat with a fixed stride k (e.g. the output of a batched top-K), where a
 *   negative id marks padding and ends that user's list;
 * - one array per user.
 * Lists must not repeat an item (every function here assumes distinct ids, as `topK` produces).
 */
export type RankedListsInput =
  | RankedLists
  | { readonly items: Int32Array; readonly k: number }
  | readonly ArrayLike<number>[];

/**
 * Normalises any {@link RankedListsInput} to {@link RankedLists} (copying only when needed).
 *
 * @param input - ranked lists in any accepted shape.
 * @returns flat items + offsets.
 * @throws MetricsError `SHAPE_MISMATCH` when offsets are broken or the stride does not divide the length.
 * @example
 * ```ts
 * toRankedLists([[3, 1], [2]]); // { items: Int32Array [3,1,2], offsets: Int32Array [0,2,3] }
 * ```
 */
export function toRankedLists(input: RankedListsInput): RankedLists {
  if (Array.isArray(input)) {
    const lists = input as readonly ArrayLike<number>[];
    const offsets = new Int32Array(lists.length + 1);
    let total = 0;
    for (let u = 0; u < lists.length; u++) {
      total += (lists[u] as ArrayLike<number>).length;
      offsets[u + 1] = total;
    }
    const items = new Int32Array(total);
    for (let u = 0; u < lists.length; u++) items.set(lists[u] as ArrayLike<number>, offsets[u] as number);
    return { items, offsets };
  }
  const obj = input as { items: Int32Array; offsets?: Int32Array; k?: number };
  if (obj.offsets) {
    const n = obj.offsets.length - 1;
    if (n < 0 || obj.offsets[0] !== 0 || obj.offsets[n] !== obj.items.length) {
      throw new MetricsError(
        'SHAPE_MISMATCH',
        `ranked lists: offsets must start at 0 and end at items.length (${obj.items.length})`,
      );
    }
    for (let u = 0; u < n; u++) {
      if ((obj.offsets[u + 1] as number) < (obj.offsets[u] as number)) {
        throw new MetricsError('SHAPE_MISMATCH', `ranked lists: offsets decrease at user ${u}`, { context: { user: u } });
      }
    }
    return obj as RankedLists;
  }
  const k = obj.k as number;
  if (!Number.isInteger(k) || k <= 0 || obj.items.length % k !== 0) {
    throw new MetricsError(
      'SHAPE_MISMATCH',
      `ranked lists: stride k=${k} must be a positive integer dividing items.length (${obj.items.length})`,
    );
  }
  const users = obj.items.length / k;
  const offsets = new Int32Array(users + 1);
  let padded = false;
  for (let u = 0; u < users; u++) {
    for (let j = 0; j < k; j++) {
      if ((obj.items[u * k + j] as number) < 0) {
        padded = true;
        break;
      }
    }
  }
  if (!padded) {
    for (let u = 0; u <= users; u++) offsets[u] = u * k;
    return { items: obj.items, offsets };
  }
  const items = new Int32Array(obj.items.length);
  let w = 0;
  for (let u = 0; u < users; u++) {
    for (let j = 0; j < k; j++) {
      const it = obj.items[u * k + j] as number;
      if (it < 0) break;
      items[w++] = it;
    }
    offsets[u + 1] = w;
  }
  return { items: items.subarray(0, w), offsets };
}
