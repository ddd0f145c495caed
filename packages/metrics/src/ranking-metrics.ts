import { checkK, MetricsError } from './metrics-error';
import { gradeOf, positiveGradesDesc } from './relevance';
import type { Relevance } from './relevance';

/**
 * Gain applied to a relevance grade in DCG/NDCG: `linear` uses the grade itself (trec_eval's
 * ndcg, the tunekit default), `exponential` uses 2^grade − 1 (Burges et al. 2005). With binary
 * relevance both give 1 per relevant item.
 */
export type GainKind = 'linear' | 'exponential';

/**
 * Denominator of average precision at k: `min` divides by min(|R|, k) (the tunekit default and
 * the Last.fm protocol; a perfect top-k scores 1), `relevant` divides by |R| (trec_eval's
 * `map_cut.k`).
 */
export type ApDenominator = 'min' | 'relevant';

/** Options of {@link ndcgAtK} and {@link dcgAtK}. */
export interface DcgOptions {
  /** Gain of a grade; default `linear`. */
  readonly gain?: GainKind;
}

/** Options of {@link averagePrecisionAtK}. */
export interface ApOptions {
  /** Denominator; default `min` = min(|R|, k). */
  readonly denominator?: ApDenominator;
}

let discountTable = new Float64Array(0);
/** @internal 1 / log2(i + 2) for 0-based position i (cached, grows on demand). */
export function discounts(n: number): Float64Array {
  if (discountTable.length < n) {
    const size = Math.max(n, 2 * discountTable.length, 128);
    discountTable = new Float64Array(size);
    for (let i = 0; i < size; i++) discountTable[i] = 1 / Math.log2(i + 2);
  }
  return discountTable;
}

/** @internal Gain of a grade. */
export function gainOf(grade: number, kind: GainKind): number {
  return kind === 'linear' ? grade : 2 ** grade - 1;
}

/** @internal Grades of the listed items, position by position. */
export function gainsOf(ranked: ArrayLike<number>, relevant: Relevance): Float64Array {
  const g = new Float64Array(ranked.length);
  for (let i = 0; i < ranked.length; i++) g[i] = gradeOf(relevant, ranked[i] as number);
  return g;
}

// ---- kernels over a gains vector: g[i] = grade of the item at 0-based position i ----

/** @internal */
export function dcgKernel(g: ArrayLike<number>, len: number, k: number, kind: GainKind): number {
  const d = discounts(k);
  const n = Math.min(k, len);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = g[i] as number;
    if (x > 0) s += gainOf(x, kind) * (d[i] as number);
  }
  return s;
}

/** @internal IDCG@k of |R| = n binary relevant items: Σ_{i<min(n,k)} 1/log2(i+2) (any gain: 2^1−1 = 1). */
export function binaryIdcg(n: number, k: number): number {
  const m = Math.min(n, k);
  if (idcgPrefix.length <= m) {
    const size = Math.max(m + 1, 2 * idcgPrefix.length, 128);
    const d = discounts(size);
    idcgPrefix = new Float64Array(size);
    for (let i = 1; i < size; i++) idcgPrefix[i] = (idcgPrefix[i - 1] as number) + (d[i - 1] as number);
  }
  return idcgPrefix[m] as number;
}
let idcgPrefix = new Float64Array(0);

/** @internal */
export function ndcgKernel(g: ArrayLike<number>, len: number, k: number, ideal: Float64Array, kind: GainKind): number {
  const idcg = dcgKernel(ideal, ideal.length, k, kind);
  return idcg > 0 ? dcgKernel(g, len, k, kind) / idcg : Number.NaN;
}

/** @internal */
export function apKernel(g: ArrayLike<number>, len: number, k: number, nRel: number, den: ApDenominator): number {
  if (nRel === 0) return Number.NaN;
  const n = Math.min(k, len);
  let hits = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if ((g[i] as number) > 0) {
      hits++;
      s += hits / (i + 1);
    }
  }
  return s / (den === 'min' ? Math.min(nRel, k) : nRel);
}

/** @internal Hits in the first min(k, len) positions. */
export function hitsKernel(g: ArrayLike<number>, len: number, k: number): number {
  const n = Math.min(k, len);
  let hits = 0;
  for (let i = 0; i < n; i++) if ((g[i] as number) > 0) hits++;
  return hits;
}

/** @internal 1 / (1-based position of the first relevant item within the first k), else 0. */
export function rrKernel(g: ArrayLike<number>, len: number, k: number): number {
  const n = Math.min(k, len);
  for (let i = 0; i < n; i++) if ((g[i] as number) > 0) return 1 / (i + 1);
  return 0;
}

/** @internal Share of (relevant, non-relevant) pairs of the list ordered correctly. */
export function listAucKernel(g: ArrayLike<number>, len: number): number {
  let pos = 0;
  for (let i = 0; i < len; i++) if ((g[i] as number) > 0) pos++;
  const neg = len - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  let negSeen = 0;
  let correct = 0;
  for (let i = 0; i < len; i++) {
    if ((g[i] as number) > 0) correct += neg - negSeen;
    else negSeen++;
  }
  return correct / (pos * neg);
}

function prepare(ranked: ArrayLike<number>, relevant: Relevance, k: number | undefined, where: string) {
  if (k !== undefined) checkK(k, where);
  const seen = new Set<number>();
  for (let i = 0; i < ranked.length; i++) {
    const it = ranked[i] as number;
    if (seen.has(it)) {
      throw new MetricsError('INVALID_ARGUMENT', `${where}: ranked list repeats item ${it} (position ${i}); lists must hold distinct items`, {
        context: { item: it, position: i },
      });
    }
    seen.add(it);
  }
  const ideal = positiveGradesDesc(relevant);
  return { g: gainsOf(ranked, relevant), ideal, nRel: ideal.length };
}

/**
 * Discounted cumulative gain at k of one ranked list:
 * DCG@k = Σ_{i=1..min(k,n)} gain(rel_i) / log2(i + 1), gain(r) = r (linear, default) or 2^r − 1.
 * The list order is taken as given (ties were broken when it was built; see {@link topK}).
 *
 * @param ranked - int ids [n], best first, distinct.
 * @param relevant - the user's relevant items (set = binary, map = graded).
 * @param k - cut-off, a positive integer.
 * @param options - `gain`: `linear` (default) | `exponential`.
 * @returns DCG@k ≥ 0 (0 when nothing relevant is listed).
 * @throws MetricsError `INVALID_ARGUMENT` when k is not a positive integer or the list repeats an item.
 * @example
 * ```ts
 * dcgAtK([7, 3, 9], new Set([3, 9]), 3); // 1/log2(3) + 1/log2(4) = 0.6309 + 0.5 = 1.1309
 * ```
 */
export function dcgAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number, options: DcgOptions = {}): number {
  const { g } = prepare(ranked, relevant, k, 'dcgAtK');
  return dcgKernel(g, g.length, k, options.gain ?? 'linear');
}

/**
 * Normalised DCG at k: NDCG@k = DCG@k / IDCG@k, where IDCG@k is the DCG of the ideal ordering of
 * the user's relevant grades truncated to min(|R|, k) positions (Järvelin & Kekäläinen 2002;
 * trec_eval `ndcg_cut.k` with the linear gain).
 *
 * @param ranked - int ids [n], best first, distinct.
 * @param relevant - relevant items (set = binary, map = graded).
 * @param k - cut-off.
 * @param options - `gain`: `linear` (default) | `exponential`.
 * @returns NDCG@k in [0, 1], or NaN when the user has no relevant item (such users are not
 *   averaged; {@link evaluateRanking} reports them).
 * @throws MetricsError `INVALID_ARGUMENT` when k is not a positive integer or the list repeats an item.
 * @example
 * ```ts
 * // relevant {3, 9}; list [7, 3, 9]: DCG = 1/log2 3 + 1/log2 4 = 1.1309, IDCG = 1 + 0.6309
 * ndcgAtK([7, 3, 9], new Set([3, 9]), 10); // 0.6934
 * ```
 */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number, options: DcgOptions = {}): number {
  const { g, ideal } = prepare(ranked, relevant, k, 'ndcgAtK');
  return ndcgKernel(g, g.length, k, ideal, options.gain ?? 'linear');
}

/**
 * Average precision at k: AP@k = (Σ_{i ≤ k, item i relevant} Precision@i) / D, with
 * D = min(|R|, k) by default or D = |R| (`denominator: 'relevant'`, trec_eval `map_cut.k`).
 * MAP@k is its mean over users with |R| ≥ 1. Relevant means grade > 0.
 *
 * @param ranked - int ids [n], best first, distinct.
 * @param relevant - relevant items.
 * @param k - cut-off.
 * @param options - `denominator`: `min` (default) | `relevant`.
 * @returns AP@k in [0, 1], NaN when |R| = 0.
 * @throws MetricsError `INVALID_ARGUMENT` when k is not a positive integer or the list repeats an item.
 * @example
 * ```ts
 * // hits at ranks 2 and 3: (1/2 + 2/3) / min(2, 10) = 0.5833
 * averagePrecisionAtK([7, 3, 9], new Set([3, 9]), 10);
 * ```
 */
export function averagePrecisionAtK(
  ranked: ArrayLike<number>,
  relevant: Relevance,
  k: number,
  options: ApOptions = {},
): number {
  const { g, nRel } = prepare(ranked, relevant, k, 'averagePrecisionAtK');
  return apKernel(g, g.length, k, nRel, options.denominator ?? 'min');
}

/**
 * Reciprocal rank: 1 / (1-based rank of the first relevant item) within the first k positions
 * (MRR@k), or over the whole list when k is omitted. For MRR over the *full catalogue ranking*
 * pass the full ranking, or use {@link rankOfFirstRelevant} on the score row.
 *
 * @param ranked - int ids [n], best first, distinct.
 * @param relevant - relevant items.
 * @param k - optional cut-off.
 * @returns RR in [0, 1] (0 when no relevant item is listed within the cut-off).
 * @throws MetricsError `INVALID_ARGUMENT` when k is given and not a positive integer, or the list repeats an item.
 * @example
 * ```ts
 * reciprocalRank([7, 3, 9], new Set([9])); // 1/3
 * reciprocalRank([7, 3, 9], new Set([9]), 2); // 0
 * ```
 */
export function reciprocalRank(ranked: ArrayLike<number>, relevant: Relevance, k?: number): number {
  const { g } = prepare(ranked, relevant, k, 'reciprocalRank');
  return rrKernel(g, g.length, k ?? g.length);
}

/**
 * Hit rate at k for one user: 1 if at least one relevant item is in the first k, else 0.
 * HitRate@k (HR@k) is its mean over users with |R| ≥ 1.
 *
 * @param ranked - int ids [n], best first. @param relevant - relevant items. @param k - cut-off.
 * @returns 0 or 1.
 * @throws MetricsError `INVALID_ARGUMENT` when k is not a positive integer or the list repeats an item.
 * @example
 * ```ts
 * hitAtK([7, 3, 9], new Set([9]), 2); // 0
 * ```
 */
export function hitAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number): number {
  const { g } = prepare(ranked, relevant, k, 'hitAtK');
  return hitsKernel(g, g.length, k) > 0 ? 1 : 0;
}

/**
 * Precision at k: P@k = |relevant ∩ top-k| / k. The divisor is always k, also when fewer than k
 * items are listed (trec_eval `P.k` convention).
 *
 * @param ranked - int ids [n]. @param relevant - relevant items. @param k - cut-off.
 * @returns P@k in [0, 1].
 * @throws MetricsError `INVALID_ARGUMENT` when k is not a positive integer or the list repeats an item.
 * @example
 * ```ts
 * precisionAtK([7, 3, 9], new Set([3, 9]), 4); // 2/4 = 0.5
 * ```
 */
export function precisionAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number): number {
  const { g } = prepare(ranked, relevant, k, 'precisionAtK');
  return hitsKernel(g, g.length, k) / k;
}

/**
 * Recall at k: R@k = |relevant ∩ top-k| / |R| (trec_eval `recall.k`).
 *
 * @param ranked - int ids [n]. @param relevant - relevant items. @param k - cut-off.
 * @returns R@k in [0, 1], NaN when |R| = 0.
 * @throws MetricsError `INVALID_ARGUMENT` when k is not a positive integer or the list repeats an item.
 * @example
 * ```ts
 * recallAtK([7, 3, 9], new Set([3, 9, 11]), 2); // 1/3
 * ```
 */
export function recallAtK(ranked: ArrayLike<number>, relevant: Relevance, k: number): number {
  const { g, nRel } = prepare(ranked, relevant, k, 'recallAtK');
  return nRel === 0 ? Number.NaN : hitsKernel(g, g.length, k) / nRel;
}

/**
 * F1 at k: harmonic mean 2·P@k·R@k / (P@k + R@k), 0 when both are 0.
 *
 * @param ranked - int ids [n]. @param relevant - relevant items. @param k - cut-off.
 * @returns F1@k in [0, 1], NaN when |R| = 0.
 * @throws MetricsError `INVALID_ARGUMENT` when k is not a positive integer or the list repeats an item.
 * @example
 * ```ts
 * f1AtK([7, 3, 9], new Set([3, 9]), 4); // P = 0.5, R = 1 → 0.6667
 * ```
 */
export function f1AtK(ranked: ArrayLike<number>, relevant: Relevance, k: number): number {
  const { g, nRel } = prepare(ranked, relevant, k, 'f1AtK');
  return f1FromHits(hitsKernel(g, g.length, k), k, nRel);
}

/** @internal */
export function f1FromHits(hits: number, k: number, nRel: number): number {
  if (nRel === 0) return Number.NaN;
  const p = hits / k;
  const r = hits / nRel;
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

/**
 * R-precision: precision at rank |R|, i.e. |relevant ∩ top-|R|| / |R| (trec_eval `Rprec`).
 *
 * @param ranked - int ids [n]. @param relevant - relevant items.
 * @returns R-precision in [0, 1], NaN when |R| = 0.
 * @example
 * ```ts
 * rPrecision([3, 7, 9], new Set([3, 9])); // top-2 holds 1 of 2 → 0.5
 * ```
 */
export function rPrecision(ranked: ArrayLike<number>, relevant: Relevance): number {
  const { g, nRel } = prepare(ranked, relevant, undefined, 'rPrecision');
  return nRel === 0 ? Number.NaN : hitsKernel(g, g.length, nRel) / nRel;
}

/**
 * AUC of one ranked list taken as the complete candidate set: the share of (relevant,
 * non-relevant) pairs of listed items in which the relevant one is ranked higher. Relevant items
 * that are not listed are ignored. For AUC from a score row with ties (Mann–Whitney) use
 * {@link userAuc}.
 *
 * @param ranked - int ids [n], the complete ranking of the user's candidates.
 * @param relevant - relevant items.
 * @returns AUC in [0, 1], NaN when the list has no relevant or no non-relevant item.
 * @example
 * ```ts
 * listAuc([3, 7, 9, 5], new Set([3, 9])); // pairs (3,7) (3,5) (9,5) right, (9,7) wrong → 0.75
 * ```
 */
export function listAuc(ranked: ArrayLike<number>, relevant: Relevance): number {
  const { g } = prepare(ranked, relevant, undefined, 'listAuc');
  return listAucKernel(g, g.length);
}

/** @internal Guard used by evaluateRanking. */
export function assertFinite(x: number, what: string): void {
  if (!Number.isFinite(x)) throw new MetricsError('INVALID_ARGUMENT', `${what} must be finite, got ${x}`);
}
