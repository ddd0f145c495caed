import { checkK, checkSameLength, MetricsError } from './metrics-error';
import type { Relevance } from './relevance';

/**
 * Items to leave out of a ranking (typically the user's training items): a `Uint8Array` mask
 * over item indices (non-zero = excluded, length = number of items), or the excluded item ids as
 * a set or an array.
 */
export type Exclusion = Uint8Array | ReadonlySet<number> | ArrayLike<number>;

/** @internal Dense mask (or null) from an {@link Exclusion}. */
export function exclusionMask(exclude: Exclusion | undefined, n: number, where: string): Uint8Array | null {
  if (exclude === undefined) return null;
  if (exclude instanceof Uint8Array) {
    checkSameLength(exclude.length, n, where, 'exclusion mask and scores');
    return exclude;
  }
  const mask = new Uint8Array(n);
  const ids: Iterable<number> | ArrayLike<number> = exclude;
  const mark = (id: number): void => {
    if (Number.isInteger(id) && id >= 0 && id < n) mask[id] = 1;
  };
  if (exclude instanceof Set) for (const id of exclude as ReadonlySet<number>) mark(id);
  else for (let i = 0; i < (ids as ArrayLike<number>).length; i++) mark((ids as ArrayLike<number>)[i] as number);
  return mask;
}

/** NaN scores rank last, as −∞. */
function key(x: number): number {
  return x === x ? x : -Infinity;
}

/**
 * The k best item indices of one score row, best first, by partial selection (a size-k min-heap,
 * O(n log k)) rather than a full sort. Ties are broken deterministically: equal scores rank the
 * lower item index first. NaN scores rank as −∞. Excluded items are skipped.
 *
 * @param scores - float32/float64 [nItems], one score per item index.
 * @param k - how many to return (fewer when fewer candidates remain).
 * @param exclude - optional mask [nItems] or excluded ids (e.g. the user's train items).
 * @returns int32 [min(k, candidates)] item indices ordered by score descending, index ascending.
 * @throws MetricsError `INVALID_ARGUMENT` when k is not a positive integer; `SHAPE_MISMATCH`
 *   when a mask's length differs from the scores'.
 * @example
 * ```ts
 * topK(Float32Array.of(0.1, 0.9, 0.5, 0.9), 2);              // Int32Array [1, 3]
 * topK(Float32Array.of(0.1, 0.9, 0.5, 0.9), 2, new Set([1])); // Int32Array [3, 2]
 * ```
 */
export function topK(scores: ArrayLike<number>, k: number, exclude?: Exclusion): Int32Array {
  checkK(k, 'topK');
  const n = scores.length;
  const mask = exclusionMask(exclude, n, 'topK');
  const heapIdx = new Int32Array(Math.min(k, n));
  const heapVal = new Float64Array(heapIdx.length);
  let size = 0;
  const cap = heapIdx.length;
  // Root holds the worst kept item: lowest score, and among equal scores the highest index.
  // Items arrive by ascending index, so an arrival equal to the root's score is never better.
  const worse = (a: number, b: number): boolean =>
    (heapVal[a] as number) < (heapVal[b] as number) ||
    ((heapVal[a] as number) === (heapVal[b] as number) && (heapIdx[a] as number) > (heapIdx[b] as number));
  const swap = (a: number, b: number): void => {
    const ti = heapIdx[a] as number;
    heapIdx[a] = heapIdx[b] as number;
    heapIdx[b] = ti;
    const tv = heapVal[a] as number;
    heapVal[a] = heapVal[b] as number;
    heapVal[b] = tv;
  };
  const siftDown = (start: number, limit: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= limit) return;
      const r = l + 1;
      const m = r < limit && worse(r, l) ? r : l;
      if (!worse(m, i)) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (mask !== null && mask[i] !== 0) continue;
    const v = key(scores[i] as number);
    if (size < cap) {
      heapIdx[size] = i;
      heapVal[size] = v;
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (cap > 0 && v > (heapVal[0] as number)) {
      heapIdx[0] = i;
      heapVal[0] = v;
      siftDown(0, size);
    }
  }
  // Heap-sort in place: repeatedly move the worst to the end → best first.
  for (let end = size - 1; end > 0; end--) {
    swap(0, end);
    siftDown(0, end);
  }
  return heapIdx.slice(0, size);
}

/**
 * Top-k of many score rows at once (one row per user), with a per-user exclusion in CSR form.
 *
 * @param scores - float32 [users × nItems], row-major.
 * @param nItems - row length.
 * @param k - list length.
 * @param exclude - optional CSR: user u excludes `items[offsets[u] .. offsets[u+1])`.
 * @returns `{ items: Int32Array [users × k], k }`, best first per row, padded with −1 when a
 *   user has fewer than k candidates (accepted as ranked lists by {@link evaluateRanking}).
 * @throws MetricsError `SHAPE_MISMATCH` when scores.length is not a multiple of nItems.
 * @example
 * ```ts
 * topKBatch(Float32Array.of(1, 2, 3, 3, 2, 1), 3, 2).items; // Int32Array [2, 1, 0, 1]
 * ```
 */
export function topKBatch(
  scores: Float32Array | Float64Array,
  nItems: number,
  k: number,
  exclude?: { readonly items: Int32Array; readonly offsets: Int32Array },
): { items: Int32Array; k: number } {
  checkK(k, 'topKBatch');
  if (!Number.isInteger(nItems) || nItems <= 0 || scores.length % nItems !== 0) {
    throw new MetricsError('SHAPE_MISMATCH', `topKBatch: scores.length ${scores.length} is not a multiple of nItems ${nItems}`);
  }
  const users = scores.length / nItems;
  if (exclude && exclude.offsets.length !== users + 1) {
    throw new MetricsError('SHAPE_MISMATCH', `topKBatch: exclusion offsets must have ${users + 1} entries, got ${exclude.offsets.length}`);
  }
  const out = new Int32Array(users * k).fill(-1);
  const mask = new Uint8Array(nItems);
  for (let u = 0; u < users; u++) {
    const lo = exclude ? (exclude.offsets[u] as number) : 0;
    const hi = exclude ? (exclude.offsets[u + 1] as number) : 0;
    for (let i = lo; i < hi; i++) {
      const it = (exclude as { items: Int32Array }).items[i] as number;
      if (it >= 0 && it < nItems) mask[it] = 1;
    }
    out.set(topK(scores.subarray(u * nItems, (u + 1) * nItems), k, mask), u * k);
    for (let i = lo; i < hi; i++) {
      const it = (exclude as { items: Int32Array }).items[i] as number;
      if (it >= 0 && it < nItems) mask[it] = 0;
    }
  }
  return { items: out, k };
}

/** @internal Whether item is relevant (grade > 0) under a Relevance or an id list. */
export function relevantPredicate(relevant: Relevance | ArrayLike<number>): (item: number) => boolean {
  if (relevant instanceof Map) return (i) => ((relevant as ReadonlyMap<number, number>).get(i) ?? 0) > 0;
  if (relevant instanceof Set) return (i) => (relevant as ReadonlySet<number>).has(i);
  const s = new Set<number>();
  const arr = relevant as ArrayLike<number>;
  for (let i = 0; i < arr.length; i++) s.add(arr[i] as number);
  return (i) => s.has(i);
}

/**
 * The 1-based rank, in the full ranking of one score row, of the best-placed relevant item —
 * what MRR over the full catalogue needs (the Last.fm protocol) when only a top-K list is kept.
 * The ranking is the one {@link topK} would produce with k = n: score descending, ties by lower
 * item index first, excluded items removed, NaN as −∞. O(n), no sort.
 *
 * @param scores - float32 [nItems], one score per item index.
 * @param relevant - the user's relevant item indices (set, graded map or id array).
 * @param exclude - optional mask [nItems] or excluded ids.
 * @returns rank ≥ 1, or 0 when no relevant item is a candidate (reciprocal rank 0).
 * @throws MetricsError `SHAPE_MISMATCH` when a mask's length differs from the scores'.
 * @example
 * ```ts
 * rankOfFirstRelevant(Float32Array.of(0.2, 0.9, 0.5, 0.9), new Set([2])); // 3
 * ```
 */
export function rankOfFirstRelevant(
  scores: ArrayLike<number>,
  relevant: Relevance | ArrayLike<number>,
  exclude?: Exclusion,
): number {
  const n = scores.length;
  const mask = exclusionMask(exclude, n, 'rankOfFirstRelevant');
  const isRel = relevantPredicate(relevant);
  let best = -1;
  let bestVal = -Infinity;
  const ids: Iterable<number> =
    relevant instanceof Map || relevant instanceof Set
      ? (relevant as ReadonlyMap<number, number> | ReadonlySet<number>).keys()
      : Array.from(relevant as ArrayLike<number>);
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= n || !isRel(id)) continue;
    if (mask !== null && mask[id] !== 0) continue;
    const v = key(scores[id] as number);
    if (best < 0 || v > bestVal || (v === bestVal && id < best)) {
      best = id;
      bestVal = v;
    }
  }
  if (best < 0) return 0;
  let ahead = 0;
  for (let i = 0; i < n; i++) {
    if (mask !== null && mask[i] !== 0) continue;
    const v = key(scores[i] as number);
    if (v > bestVal || (v === bestVal && i < best)) ahead++;
  }
  return ahead + 1;
}
