import { userRow, type InteractionMatrix } from './interaction-matrix';
import { ModelsError } from '../errors';
import type { FullSortScorer } from './scorer';
import { selectTopK } from './select-top-k';

/** Per-user metrics of a full-catalogue ranking; entry t belongs to `users[t]`. */
export interface FullRankingResult {
  /** int32 [nEval] training-matrix index of each evaluated user (users with ≥ 1 relevant item). */
  users: Int32Array;
  /** float64 [nEval] per-user values, keyed `ndcg@10`, `recall@20`, `hit@10`, `map@10`, `mrr`, `auc`. */
  perUser: Record<string, Float64Array>;
  /** Means over the evaluated users, same keys. */
  means: Record<string, number>;
  /** int32 [nEval · listLength] top items per user (row-major), best first; -1 pads short lists. */
  lists: Int32Array;
  listLength: number;
}

/** Options of {@link evaluateFullRanking}. */
export interface FullRankingOptions {
  /** Cut-offs (default ndcg 10, recall 20, hit 10, map 10). */
  ndcgK?: number;
  recallK?: number;
  hitK?: number;
  mapK?: number;
  /** Length of the stored top lists (default max of the cut-offs). */
  listLength?: number;
  /**
   * Only the top-list metrics (NDCG, recall, hit, MAP): skips the full-ranking pass per relevant
   * item, so `mrr` and `auc` are NaN. For fast validation during training. Default false.
   */
  topOnly?: boolean;
}

/**
 * Ranks every item for every user with relevant items, masking the user's training items, and
 * computes the ranking metrics of the Last.fm protocol (`../shared/data/README.md`):
 * NDCG@k (linear gain, log2 discount, ideal over min(|R|, k)), Recall@k = hits/|R|, HR@k,
 * MAP@k with denominator min(|R|, k), MRR = 1/rank of the first relevant item in the full
 * ranking, and per-user AUC (ties count ½). Ties in scores break towards the lower item index.
 *
 * @param scorer - any {@link FullSortScorer}
 * @param train - training matrix (its rows are masked)
 * @param relevant - per-user relevant items: CSR `{ ptr: int32 [nUsers+1], items: int32 [nnz] }`
 *   over the same user/item indices as `train`
 * @param options - {@link FullRankingOptions}
 * @returns per-user values, means and top lists
 * @throws ModelsError `INVALID_INPUT` when sizes disagree
 * @example
 * ```ts
 * const r = evaluateFullRanking(ease(x), x, { ptr, items }); r.means['ndcg@10'];
 * ```
 */
export function evaluateFullRanking(
  scorer: FullSortScorer,
  train: InteractionMatrix,
  relevant: { ptr: Int32Array; items: Int32Array },
  options: FullRankingOptions = {},
): FullRankingResult {
  const nItems = train.nItems;
  if (scorer.nItems !== nItems) throw new ModelsError('INVALID_INPUT', `evaluateFullRanking: scorer ${scorer.name} scores ${scorer.nItems} items but the training matrix has ${nItems}.`);
  if (relevant.ptr.length !== train.nUsers + 1) throw new ModelsError('INVALID_INPUT', `evaluateFullRanking: relevant.ptr has ${relevant.ptr.length} entries, expected nUsers + 1 = ${train.nUsers + 1}.`);
  const nK = options.ndcgK ?? 10;
  const rK = options.recallK ?? 20;
  const hK = options.hitK ?? 10;
  const mK = options.mapK ?? 10;
  const L = options.listLength ?? Math.max(nK, rK, hK, mK);
  const keys = [`ndcg@${nK}`, `recall@${rK}`, `hit@${hK}`, `map@${mK}`, 'mrr', 'auc'] as const;
  const users: number[] = [];
  for (let u = 0; u < train.nUsers; u++) if (relevant.ptr[u + 1]! > relevant.ptr[u]!) users.push(u);
  const nEval = users.length;
  const per = keys.map(() => new Float64Array(nEval));
  const lists = new Int32Array(nEval * L).fill(-1);
  const scores = new Float32Array(nItems);
  const mask = new Uint8Array(nItems);
  const rel = new Uint8Array(nItems);
  const topLen = Math.max(L, nK, rK, hK, mK);
  for (let t = 0; t < nEval; t++) {
    const u = users[t]!;
    scorer.scoreUser(u, scores);
    const seen = userRow(train, u);
    for (let a = 0; a < seen.length; a++) mask[seen[a]!] = 1;
    const R = relevant.items.subarray(relevant.ptr[u]!, relevant.ptr[u + 1]!);
    let nRel = 0;
    for (let a = 0; a < R.length; a++) if (!mask[R[a]!] && !rel[R[a]!]) {
      rel[R[a]!] = 1;
      nRel++;
    }
    const top = selectTopK(scores, topLen, mask);
    lists.set(top.subarray(0, L), t * L);
    let dcg = 0;
    let idcg = 0;
    let hitsR = 0;
    let hitH = 0;
    let apSum = 0;
    let hitsM = 0;
    for (let r = 0; r < top.length; r++) {
      const g = rel[top[r]!]!;
      if (r < nK && g) dcg += 1 / Math.log2(r + 2);
      if (r < rK && g) hitsR++;
      if (r < hK && g) hitH = 1;
      if (r < mK && g) apSum += ++hitsM / (r + 1);
    }
    for (let r = 0; r < Math.min(nRel, nK); r++) idcg += 1 / Math.log2(r + 2);
    // full-ranking rank of each relevant item (index tie-break) and AUC against the negatives
    let best = Infinity;
    let aucSum = 0;
    const nCand = nItems - seen.length;
    const nNeg = nCand - nRel;
    for (let a = 0; a < (options.topOnly ? 0 : R.length); a++) {
      const p = R[a]!;
      if (mask[p]) continue;
      const sp = scores[p]!;
      let above = 0;
      let negGt = 0;
      let negEq = 0;
      for (let j = 0; j < nItems; j++) {
        if (mask[j] || j === p) continue;
        const sj = scores[j]!;
        if (sj > sp || (sj === sp && j < p)) above++;
        if (!rel[j]) {
          if (sj > sp) negGt++;
          else if (sj === sp) negEq++;
        }
      }
      best = Math.min(best, above + 1);
      if (nNeg > 0) aucSum += (nNeg - negGt - 0.5 * negEq) / nNeg;
    }
    per[0]![t] = idcg > 0 ? dcg / idcg : 0;
    per[1]![t] = nRel > 0 ? hitsR / nRel : 0;
    per[2]![t] = hitH;
    per[3]![t] = nRel > 0 ? apSum / Math.min(nRel, mK) : 0;
    per[4]![t] = options.topOnly ? Number.NaN : Number.isFinite(best) ? 1 / best : 0;
    per[5]![t] = options.topOnly || nRel === 0 ? Number.NaN : aucSum / nRel;
    for (let a = 0; a < seen.length; a++) mask[seen[a]!] = 0;
    for (let a = 0; a < R.length; a++) rel[R[a]!] = 0;
  }
  const perUser: Record<string, Float64Array> = {};
  const means: Record<string, number> = {};
  keys.forEach((k, i) => {
    const v = per[i]!;
    perUser[k] = v;
    let s = 0;
    for (let t = 0; t < v.length; t++) s += v[t]!;
    means[k] = v.length > 0 ? s / v.length : Number.NaN;
  });
  return { users: Int32Array.from(users), perUser, means, lists, listLength: L };
}
