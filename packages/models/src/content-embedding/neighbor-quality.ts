import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';
import { ExactCosineIndex } from '../nearest-neighbors/exact-index';

/**
 * Exact top-k neighbour lists of `queries` among `candidates` (both row indices into `vectors`),
 * the query row itself excluded; or, with `vectors = 'random'`, k distinct random candidates
 * per query (seeded) — the random baseline.
 *
 * @param vectors - float32 `[rows, dim]`, or `'random'`
 * @param dim - width (ignored for `'random'`)
 * @param queries - int32 row indices to query
 * @param candidates - int32 row indices to search among
 * @param k - neighbours per query
 * @param seed - seed of the random baseline
 * @returns per query, int32 `[≤k]` row indices (into `vectors`), best first
 * @throws ModelsError `INVALID_INPUT` for k < 1
 * @example
 * ```ts
 * const lists = neighborLists(embeddings, 64, testRows, testRows, 10, 1);
 * ```
 */
export function neighborLists(vectors: Float32Array | 'random', dim: number, queries: Int32Array, candidates: Int32Array, k: number, seed = 0): Int32Array[] {
  if (!Number.isInteger(k) || k < 1) throw new ModelsError('INVALID_INPUT', `k must be a positive integer, got ${k}.`, { context: { k } });
  const position = new Map<number, number>();
  candidates.forEach((r, i) => position.set(r, i));
  if (vectors === 'random') {
    const rng = new Rng(seed);
    return Array.from(queries, (q) => {
      const out: number[] = [];
      const seen = new Set<number>([q]);
      const want = Math.min(k, candidates.length - (position.has(q) ? 1 : 0));
      while (out.length < want) {
        const c = candidates[rng.int(candidates.length)] as number;
        if (seen.has(c)) continue;
        seen.add(c);
        out.push(c);
      }
      return Int32Array.from(out);
    });
  }
  const sub = new Float32Array(candidates.length * dim);
  candidates.forEach((r, i) => sub.set(vectors.subarray(r * dim, (r + 1) * dim), i * dim));
  const index = ExactCosineIndex.build(sub, dim);
  const qv = new Float32Array(queries.length * dim);
  queries.forEach((r, i) => qv.set(vectors.subarray(r * dim, (r + 1) * dim), i * dim));
  const exclude = Int32Array.from(queries, (q) => position.get(q) ?? -1);
  return index.searchBatch(qv, k, exclude).map((n) => Int32Array.from(n.indices, (i) => candidates[i] as number));
}

/**
 * Label precision@k: the share of each query's k neighbours that carry the query's label,
 * averaged over queries (e.g. genre precision@10). Denominator k (a short list counts as misses).
 *
 * @param lists - neighbour rows per query (from {@link neighborLists})
 * @param queries - int32 query rows, same order
 * @param labels - int32 label per row (negative = unlabelled; such queries are skipped)
 * @param k - the cut-off
 * @returns mean precision@k in [0, 1] (NaN when no query has a label)
 * @example
 * ```ts
 * labelPrecisionAtK([Int32Array.of(1, 2)], Int32Array.of(0), Int32Array.of(5, 5, 6), 2); // 0.5
 * ```
 */
export function labelPrecisionAtK(lists: readonly Int32Array[], queries: Int32Array, labels: Int32Array, k: number): number {
  return meanFinite(labelPrecisionPerQuery(lists, queries, labels, k));
}

/**
 * Per-query label precision@k (see {@link labelPrecisionAtK}); NaN for unlabelled queries. For
 * paired significance tests between systems.
 *
 * @returns float64 `[queries]`
 * @example
 * ```ts
 * labelPrecisionPerQuery([Int32Array.of(1, 2)], Int32Array.of(0), Int32Array.of(5, 5, 6), 2); // [0.5]
 * ```
 */
export function labelPrecisionPerQuery(lists: readonly Int32Array[], queries: Int32Array, labels: Int32Array, k: number): Float64Array {
  return Float64Array.from(queries, (q, i) => {
    const label = labels[q] as number;
    if (label < 0) return Number.NaN;
    const list = lists[i] as Int32Array;
    let hits = 0;
    for (let j = 0; j < Math.min(k, list.length); j++) if (labels[list[j] as number] === label) hits++;
    return hits / k;
  });
}

function meanFinite(values: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return n === 0 ? Number.NaN : s / n;
}

/**
 * Co-listen hit rate@k: for held-out co-listened pairs (a, b), the share of pairs whose partner
 * b is among a's k nearest neighbours. Queries with several partners are answered once.
 *
 * @param lists - neighbour rows per query row
 * @param queries - int32 query rows, same order as `lists`
 * @param pairs - held-out pairs as parallel int32 arrays (a = query row, b = partner row)
 * @returns hit rate in [0, 1] (NaN for no pairs)
 * @example
 * ```ts
 * coListenHitRate([Int32Array.of(3, 4)], Int32Array.of(0), { a: Int32Array.of(0, 0), b: Int32Array.of(4, 9) }); // 0.5
 * ```
 */
export function coListenHitRate(lists: readonly Int32Array[], queries: Int32Array, pairs: { a: Int32Array; b: Int32Array }): number {
  return meanFinite(coListenHits(lists, queries, pairs));
}

/**
 * Per-pair hits (1 when the partner is in the query's list, else 0), see {@link coListenHitRate}.
 *
 * @returns float64 `[pairs]` of 0/1
 * @throws ModelsError `INVALID_INPUT` when a pair's first row was not queried
 * @example
 * ```ts
 * coListenHits([Int32Array.of(3, 4)], Int32Array.of(0), { a: Int32Array.of(0, 0), b: Int32Array.of(4, 9) }); // [1, 0]
 * ```
 */
export function coListenHits(lists: readonly Int32Array[], queries: Int32Array, pairs: { a: Int32Array; b: Int32Array }): Float64Array {
  const byQuery = new Map<number, Set<number>>();
  queries.forEach((q, i) => byQuery.set(q, new Set(lists[i] as Int32Array)));
  return Float64Array.from(pairs.a, (a, p) => {
    const list = byQuery.get(a);
    if (!list) throw new ModelsError('INVALID_INPUT', `pair ${p}: row ${a} was not queried; include every pair's first row in the queries.`, { context: { pair: p } });
    return list.has(pairs.b[p] as number) ? 1 : 0;
  });
}
