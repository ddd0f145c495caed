import { checkK, checkSameLength, MetricsError } from './metrics-error';
import { toRankedLists } from './ranked-lists';
import type { RankedLists, RankedListsInput } from './ranked-lists';
import { RelevanceCursor, relevanceUserCount } from './relevance';
import type { RelevanceInput } from './relevance';

function cut(lists: RankedLists, u: number, k: number | undefined): [number, number] {
  const lo = lists.offsets[u] as number;
  const hi = lists.offsets[u + 1] as number;
  return [lo, k === undefined ? hi : Math.min(hi, lo + k)];
}

function checkOptionalK(k: number | undefined, where: string): void {
  if (k !== undefined) checkK(k, where);
}

/** What the coverage denominator counts. */
export type CoverageUniverse = 'catalogue' | 'training-items';

/** Result of {@link catalogueCoverage}. */
export interface CoverageResult {
  /** distinct recommended items in the universe / universe size. */
  readonly coverage: number;
  /** Distinct recommended items that belong to the universe. */
  readonly distinctItems: number;
  /** Size of the universe (the denominator). */
  readonly denominator: number;
  /** What the denominator counts, as stated by the caller. */
  readonly universe: CoverageUniverse;
}

/**
 * Catalogue coverage (aggregate diversity): |∪_u top-k(u) ∩ U| / |U|, where the universe U is
 * stated explicitly — the whole `catalogue` or only the `training-items` a model can score.
 *
 * @param lists - ranked lists (any accepted shape).
 * @param options - `universe`: what U is; `items`: the ids of U (int array) or its size n (then
 *   U = ids 0..n−1); `k`: optional cut-off.
 * @returns coverage in [0, 1] with its numerator, denominator and universe label.
 * @throws MetricsError `INVALID_ARGUMENT` when U is empty or k is bad.
 * @example
 * ```ts
 * catalogueCoverage([[0, 1], [1, 2]], { universe: 'catalogue', items: 10 }).coverage; // 3/10
 * ```
 */
export function catalogueCoverage(
  lists: RankedListsInput,
  options: { readonly universe: CoverageUniverse; readonly items: number | ArrayLike<number>; readonly k?: number },
): CoverageResult {
  checkOptionalK(options.k, 'catalogueCoverage');
  const l = toRankedLists(lists);
  let inUniverse: (id: number) => boolean;
  let size: number;
  if (typeof options.items === 'number') {
    size = options.items;
    inUniverse = (id) => id >= 0 && id < size;
  } else {
    const s = new Set<number>();
    for (let i = 0; i < options.items.length; i++) s.add(options.items[i] as number);
    size = s.size;
    inUniverse = (id) => s.has(id);
  }
  if (!(size > 0)) throw new MetricsError('INVALID_ARGUMENT', `catalogueCoverage: the ${options.universe} universe is empty`);
  const seen = new Set<number>();
  for (let u = 0; u < l.offsets.length - 1; u++) {
    const [lo, hi] = cut(l, u, options.k);
    for (let i = lo; i < hi; i++) {
      const it = l.items[i] as number;
      if (inUniverse(it)) seen.add(it);
    }
  }
  return { coverage: seen.size / size, distinctItems: seen.size, denominator: size, universe: options.universe };
}

/** A per-user metric and its mean over the users where it is defined. */
export interface PerUserMetric {
  /** Mean over users with a defined value. */
  readonly mean: number;
  /** float64 [users], NaN where undefined. */
  readonly perUser: Float64Array;
  /** Users with a defined value. */
  readonly usersEvaluated: number;
  /** Users left out (list too short, or no relevant item where relevance is needed). */
  readonly usersSkipped: number;
}

function summarise(perUser: Float64Array): PerUserMetric {
  let s = 0;
  let n = 0;
  for (let u = 0; u < perUser.length; u++) {
    const v = perUser[u] as number;
    if (v === v) {
      s += v;
      n++;
    }
  }
  return { mean: n > 0 ? s / n : Number.NaN, perUser, usersEvaluated: n, usersSkipped: perUser.length - n };
}

/**
 * Intra-list diversity with cosine distance (Ziegler et al. 2005): for one list L,
 * ILD(L) = (2 / (|L|(|L|−1))) Σ_{i<j} (1 − cos(v_i, v_j)); averaged over users. Lists with fewer
 * than 2 items are skipped (NaN). A zero vector has cosine 0 to everything (distance 1).
 *
 * @param lists - ranked lists.
 * @param vectors - float32 [nItems × dim], row-major item vectors.
 * @param dim - vector length.
 * @param k - optional cut-off.
 * @returns mean ILD in [0, 2] with per-user values.
 * @throws MetricsError `SHAPE_MISMATCH` when vectors.length is not a multiple of dim or an item id
 *   has no row.
 * @example
 * ```ts
 * intraListDiversity([[0, 1]], Float32Array.of(1, 0, 0, 1), 2).mean; // 1 − cos 90° = 1
 * ```
 */
export function intraListDiversity(lists: RankedListsInput, vectors: Float32Array | Float64Array, dim: number, k?: number): PerUserMetric {
  checkOptionalK(k, 'intraListDiversity');
  if (!Number.isInteger(dim) || dim <= 0 || vectors.length % dim !== 0) {
    throw new MetricsError('SHAPE_MISMATCH', `intraListDiversity: vectors.length ${vectors.length} is not a multiple of dim ${dim}`);
  }
  const nItems = vectors.length / dim;
  const norms = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += (vectors[i * dim + d] as number) ** 2;
    norms[i] = Math.sqrt(s);
  }
  const l = toRankedLists(lists);
  const users = l.offsets.length - 1;
  const out = new Float64Array(users);
  for (let u = 0; u < users; u++) {
    const [lo, hi] = cut(l, u, k);
    const n = hi - lo;
    if (n < 2) {
      out[u] = Number.NaN;
      continue;
    }
    let s = 0;
    for (let a = lo; a < hi; a++) {
      const ia = l.items[a] as number;
      if (ia < 0 || ia >= nItems) throw new MetricsError('SHAPE_MISMATCH', `intraListDiversity: item ${ia} (user ${u}) has no vector`, { context: { user: u, item: ia } });
      for (let b = a + 1; b < hi; b++) {
        const ib = l.items[b] as number;
        if (ib < 0 || ib >= nItems) throw new MetricsError('SHAPE_MISMATCH', `intraListDiversity: item ${ib} (user ${u}) has no vector`, { context: { user: u, item: ib } });
        const den = (norms[ia] as number) * (norms[ib] as number);
        let dot = 0;
        if (den > 0) for (let d = 0; d < dim; d++) dot += (vectors[ia * dim + d] as number) * (vectors[ib * dim + d] as number);
        s += 1 - (den > 0 ? dot / den : 0);
      }
    }
    out[u] = (2 * s) / (n * (n - 1));
  }
  return summarise(out);
}

/**
 * Novelty as mean self-information (Zhou et al. 2010): for one list,
 * nov(L) = (1/|L|) Σ_{i∈L} −log2(pop_i / nUsers), where pop_i is the number of training users who
 * interacted with item i. Items with pop 0 are floored to 1 interaction (so novelty stays finite
 * at log2(nUsers)). Averaged over users with a non-empty list.
 *
 * @param lists - ranked lists.
 * @param popularity - int/float [nItems] training user counts per item.
 * @param nUsers - number of training users (the share's denominator).
 * @param k - optional cut-off.
 * @returns mean novelty in bits.
 * @throws MetricsError `INVALID_ARGUMENT` when nUsers < 1 or an item is outside popularity.
 * @example
 * ```ts
 * novelty([[0, 1]], [50, 25], 100).mean; // (1 + 2) / 2 = 1.5 bits
 * ```
 */
export function novelty(lists: RankedListsInput, popularity: ArrayLike<number>, nUsers: number, k?: number): PerUserMetric {
  checkOptionalK(k, 'novelty');
  if (!(nUsers >= 1)) throw new MetricsError('INVALID_ARGUMENT', `novelty: nUsers must be ≥ 1, got ${nUsers}`);
  return meanPopularityTerm('novelty', lists, popularity, k, (p) => -Math.log2(Math.max(p, 1) / nUsers));
}

/**
 * Serendipity (Ge et al. 2010; Murakami et al. 2008): the share of a user's top-k that is both
 * unexpected — absent from a primitive recommender's top-k for that user (by default the
 * most-popular list) — and relevant: ser(u) = |{i ∈ top-k(u) : i ∉ PM_u ∧ rel(i)}| / k.
 * Averaged over users with at least one relevant item (others NaN, counted as skipped).
 *
 * @param lists - ranked lists of the system.
 * @param relevant - relevance per user (grade > 0 counts as relevant).
 * @param primitive - the primitive recommender's lists: `{ shared: ids }`, one list for every user
 *   (global most popular), or `{ perUser: lists }` (e.g. most popular minus each user's train items).
 * @param k - cut-off, applied to both lists.
 * @returns mean serendipity in [0, 1] and per-user values.
 * @throws MetricsError `SHAPE_MISMATCH` when the number of users differs.
 * @example
 * ```ts
 * // top-2 [5, 9]; popular [9, 1]; relevant {5, 9}: only 5 is unexpected and relevant → 1/2
 * serendipity([[5, 9]], [new Set([5, 9])], { shared: [9, 1] }, 2).mean; // 0.5
 * ```
 */
export function serendipity(
  lists: RankedListsInput,
  relevant: RelevanceInput,
  primitive: { readonly shared: ArrayLike<number> } | { readonly perUser: RankedListsInput },
  k: number,
): PerUserMetric {
  checkK(k, 'serendipity');
  const l = toRankedLists(lists);
  const users = l.offsets.length - 1;
  checkSameLength(users, relevanceUserCount(relevant), 'serendipity', 'lists and relevance');
  let sharedSet: Set<number> | null = null;
  let perUserPrim: RankedLists | null = null;
  if ('shared' in primitive) {
    const arr = primitive.shared;
    sharedSet = new Set<number>();
    for (let i = 0; i < Math.min(k, arr.length); i++) sharedSet.add(arr[i] as number);
  } else {
    perUserPrim = toRankedLists(primitive.perUser);
    checkSameLength(users, perUserPrim.offsets.length - 1, 'serendipity', 'lists and primitive lists');
  }
  const cursor = new RelevanceCursor(relevant);
  const out = new Float64Array(users);
  const scratch = new Set<number>();
  for (let u = 0; u < users; u++) {
    if (cursor.select(u) === 0) {
      out[u] = Number.NaN;
      continue;
    }
    let expected = sharedSet;
    if (perUserPrim) {
      scratch.clear();
      const [plo, phi] = cut(perUserPrim, u, k);
      for (let i = plo; i < phi; i++) scratch.add(perUserPrim.items[i] as number);
      expected = scratch;
    }
    const [lo, hi] = cut(l, u, k);
    let c = 0;
    for (let i = lo; i < hi; i++) {
      const it = l.items[i] as number;
      if (!(expected as Set<number>).has(it) && cursor.grade(it) > 0) c++;
    }
    out[u] = c / k;
  }
  cursor.clear();
  return summarise(out);
}

/**
 * Exposure counts: how many times each item appears in the users' top-k lists.
 *
 * @param lists - ranked lists. @param nItems - catalogue size. @param k - optional cut-off.
 * @returns float64 [nItems] counts.
 * @throws MetricsError `INVALID_ARGUMENT` when a listed id is outside [0, nItems).
 * @example
 * ```ts
 * exposureCounts([[0, 1], [1]], 3); // Float64Array [1, 2, 0]
 * ```
 */
export function exposureCounts(lists: RankedListsInput, nItems: number, k?: number): Float64Array {
  checkOptionalK(k, 'exposureCounts');
  const l = toRankedLists(lists);
  const out = new Float64Array(nItems);
  for (let u = 0; u < l.offsets.length - 1; u++) {
    const [lo, hi] = cut(l, u, k);
    for (let i = lo; i < hi; i++) {
      const it = l.items[i] as number;
      if (it < 0 || it >= nItems) throw new MetricsError('INVALID_ARGUMENT', `exposureCounts: item ${it} (user ${u}) outside [0, ${nItems})`, { context: { user: u, item: it } });
      out[it] = (out[it] as number) + 1;
    }
  }
  return out;
}

/**
 * Gini index of a non-negative distribution such as item exposure (0 = perfectly equal, → 1 =
 * all exposure on one item): with x sorted ascending and i = 1..n,
 * G = Σ_i (2i − n − 1) x_i / (n Σ_i x_i). Pass every catalogue item, including zeros, so
 * never-recommended items count (see {@link exposureCounts}).
 *
 * @param values - float [n] ≥ 0.
 * @returns G in [0, (n−1)/n].
 * @throws MetricsError `EMPTY_INPUT` when empty or all zero; `INVALID_ARGUMENT` on negatives.
 * @example
 * ```ts
 * giniIndex([0, 0, 0, 4]); // (3·4) / (4·4) = 0.75
 * ```
 */
export function giniIndex(values: ArrayLike<number>): number {
  const x = Float64Array.from(values as ArrayLike<number>);
  if (x.length === 0) throw new MetricsError('EMPTY_INPUT', 'giniIndex: no values');
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (!(v >= 0)) throw new MetricsError('INVALID_ARGUMENT', `giniIndex: value at ${i} is ${v}; must be ≥ 0`, { context: { index: i } });
    total += v;
  }
  if (total === 0) throw new MetricsError('EMPTY_INPUT', 'giniIndex: all values are 0');
  x.sort();
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += (2 * (i + 1) - n - 1) * (x[i] as number);
  return s / (n * total);
}

/**
 * Average recommended popularity (Abdollahpouri et al. 2019):
 * ARP = (1/|U|) Σ_u (1/|L_u|) Σ_{i∈L_u} pop_i, with pop_i the item's training interaction count.
 *
 * @param lists - ranked lists. @param popularity - float [nItems]. @param k - optional cut-off.
 * @returns mean ARP over users with a non-empty list.
 * @throws MetricsError `INVALID_ARGUMENT` when an item has no popularity.
 * @example
 * ```ts
 * averageRecommendedPopularity([[0, 1], [1]], [10, 2]).mean; // (6 + 2) / 2 = 4
 * ```
 */
export function averageRecommendedPopularity(lists: RankedListsInput, popularity: ArrayLike<number>, k?: number): PerUserMetric {
  checkOptionalK(k, 'averageRecommendedPopularity');
  return meanPopularityTerm('averageRecommendedPopularity', lists, popularity, k, (p) => p);
}

/** Per-user mean of term(popularity of item) over each top-k list (NaN for an empty list). */
function meanPopularityTerm(metric: string, lists: RankedListsInput, popularity: ArrayLike<number>, k: number | undefined, term: (p: number) => number): PerUserMetric {
  const l = toRankedLists(lists);
  const users = l.offsets.length - 1;
  const out = new Float64Array(users);
  for (let u = 0; u < users; u++) {
    const [lo, hi] = cut(l, u, k);
    if (hi === lo) {
      out[u] = Number.NaN;
      continue;
    }
    let s = 0;
    for (let i = lo; i < hi; i++) {
      const it = l.items[i] as number;
      const p = popularity[it];
      if (p === undefined) throw new MetricsError('INVALID_ARGUMENT', `${metric}: item ${it} (user ${u}) has no popularity`, { context: { user: u, item: it } });
      s += term(p);
    }
    out[u] = s / (hi - lo);
  }
  return summarise(out);
}
