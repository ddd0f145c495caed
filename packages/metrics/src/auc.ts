import { checkSameLength, MetricsError } from './metrics-error';
import type { Relevance } from './relevance';
import { exclusionMask, relevantPredicate } from './top-k';
import type { Exclusion } from './top-k';

/**
 * @internal Mann–Whitney AUC of two score samples, ties counted ½:
 * AUC = (#{(p,n): s_p > s_n} + ½ #{(p,n): s_p = s_n}) / (|P|·|N|). Sorts its inputs in place.
 */
export function mannWhitneyAuc(pos: Float64Array, neg: Float64Array): number {
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  pos.sort();
  neg.sort();
  let lt = 0;
  let le = 0;
  let sum = 0;
  for (let i = 0; i < pos.length; i++) {
    const p = pos[i] as number;
    while (lt < neg.length && (neg[lt] as number) < p) lt++;
    if (le < lt) le = lt;
    while (le < neg.length && (neg[le] as number) <= p) le++;
    sum += lt + 0.5 * (le - lt);
  }
  return sum / (pos.length * neg.length);
}

/**
 * Per-user AUC from one score row: the Mann–Whitney statistic over the user's candidate items
 * (all items minus the excluded ones), positives = relevant candidates, negatives = the other
 * candidates; tied scores count ½ (tie-aware, so no id tie-break is applied).
 *
 * @param scores - float32 [nItems], one score per item index; NaN is rejected.
 * @param relevant - relevant item indices (set, graded map with grade > 0, or id array).
 * @param exclude - optional mask [nItems] or excluded ids (e.g. train items).
 * @returns AUC in [0, 1], or NaN when the user has no positive or no negative candidate.
 * @throws MetricsError `INVALID_ARGUMENT` on a NaN score; `SHAPE_MISMATCH` on a bad mask.
 * @example
 * ```ts
 * // positives {0: 0.9, 2: 0.5}, negatives {1: 0.5, 3: 0.1}: (1 + 1 + 0.5 + 1) / 4
 * userAuc(Float32Array.of(0.9, 0.5, 0.5, 0.1), new Set([0, 2])); // 0.875
 * ```
 */
export function userAuc(scores: ArrayLike<number>, relevant: Relevance | ArrayLike<number>, exclude?: Exclusion): number {
  const n = scores.length;
  const mask = exclusionMask(exclude, n, 'userAuc');
  const isRel = relevantPredicate(relevant);
  const pos: number[] = [];
  const neg = new Float64Array(n);
  let nn = 0;
  for (let i = 0; i < n; i++) {
    if (mask !== null && mask[i] !== 0) continue;
    const v = scores[i] as number;
    if (v !== v) throw new MetricsError('INVALID_ARGUMENT', `userAuc: score of item ${i} is NaN`, { context: { item: i } });
    if (isRel(i)) pos.push(v);
    else neg[nn++] = v;
  }
  return mannWhitneyAuc(Float64Array.from(pos), neg.subarray(0, nn));
}

/** Result of {@link gauc}. */
export interface GaucResult {
  /** Weighted mean of the per-user AUCs that are defined. */
  readonly gauc: number;
  /** Users whose AUC was defined and weighted in. */
  readonly usersEvaluated: number;
  /** Users skipped because their AUC is NaN (no positive or no negative candidate) or weight 0. */
  readonly usersSkipped: number;
}

/**
 * Group AUC (Zhou et al. 2018, DIN): GAUC = Σ_u w_u · AUC_u / Σ_u w_u over users whose AUC is
 * defined. The usual weight is the user's number of positives or impressions; pass `undefined`
 * for the unweighted mean.
 *
 * @param aucs - float [users] per-user AUC, NaN for users without positives or negatives.
 * @param weights - optional float [users], non-negative (e.g. positives per user).
 * @returns the GAUC and how many users were evaluated and skipped.
 * @throws MetricsError `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when no user has a
 *   defined AUC with positive weight.
 * @example
 * ```ts
 * gauc([1, 0.5, Number.NaN], [1, 3, 2]); // { gauc: 0.625, usersEvaluated: 2, usersSkipped: 1 }
 * ```
 */
export function gauc(aucs: ArrayLike<number>, weights?: ArrayLike<number>): GaucResult {
  if (weights) checkSameLength(aucs.length, weights.length, 'gauc', 'aucs and weights');
  let s = 0;
  let w = 0;
  let used = 0;
  for (let u = 0; u < aucs.length; u++) {
    const a = aucs[u] as number;
    const wu = weights ? (weights[u] as number) : 1;
    if (!(wu >= 0)) throw new MetricsError('INVALID_ARGUMENT', `gauc: weight of user ${u} is ${wu}`, { context: { user: u } });
    if (a !== a || wu === 0) continue;
    s += wu * a;
    w += wu;
    used++;
  }
  if (used === 0) throw new MetricsError('EMPTY_INPUT', 'gauc: no user has a defined AUC with a positive weight');
  return { gauc: s / w, usersEvaluated: used, usersSkipped: aucs.length - used };
}
