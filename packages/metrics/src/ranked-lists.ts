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
 * @throws MetricsError `SHAPE_MISMATCH` when offsets are broken or the stride does not divide the length;
 *   `INVALID_ARGUMENT` when an id is not a 32-bit integer or a list repeats an item.
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
    for (let u = 0; u < lists.length; u++) {
      const list = lists[u] as ArrayLike<number>;
      for (let j = 0; j < list.length; j++) {
        const it = list[j] as number;
        // Int32Array.set would silently turn NaN into 0 and 1.5 into 1: reject instead.
        if (!Number.isInteger(it) || it < -0x80000000 || it > 0x7fffffff) {
          throw new MetricsError('INVALID_ARGUMENT', `ranked lists: user ${u} position ${j}: item id ${it} is not a 32-bit integer`, {
            context: { user: u, position: j },
          });
        }
      }
      items.set(list, offsets[u] as number);
    }
    return checkDistinct({ items, offsets });
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
    return checkDistinct(obj as RankedLists);
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
    return checkDistinct({ items: obj.items, offsets });
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
  return checkDistinct({ items: items.subarray(0, w), offsets });
}

/**
 * Rejects a list that repeats an item: a repeated relevant item would be counted as several hits
 * (recall 3 from one relevant item, NDCG above 1). Negative ids (padding) are ignored.
 */
function checkDistinct(lists: RankedLists): RankedLists {
  const { items, offsets } = lists;
  let max = -1;
  for (let i = 0; i < items.length; i++) if ((items[i] as number) > max) max = items[i] as number;
  const users = offsets.length - 1;
  const fail = (u: number, lo: number, i: number): never => {
    throw new MetricsError('INVALID_ARGUMENT', `ranked lists: user ${u} lists item ${items[i]} twice (position ${i - lo}); lists must hold distinct items`, {
      context: { user: u, item: items[i], position: i - lo },
    });
  };
  if (max < 0x400000 || max < 4 * items.length) {
    const stamp = new Int32Array(max + 1);
    for (let u = 0; u < users; u++) {
      const lo = offsets[u] as number;
      for (let i = lo; i < (offsets[u + 1] as number); i++) {
        const it = items[i] as number;
        if (it < 0) continue;
        if (stamp[it] === u + 1) fail(u, lo, i);
        stamp[it] = u + 1;
      }
    }
  } else {
    const seen = new Set<number>();
    for (let u = 0; u < users; u++) {
      const lo = offsets[u] as number;
      seen.clear();
      for (let i = lo; i < (offsets[u + 1] as number); i++) {
        const it = items[i] as number;
        if (it < 0) continue;
        if (seen.has(it)) fail(u, lo, i);
        seen.add(it);
      }
    }
  }
  return lists;
}
