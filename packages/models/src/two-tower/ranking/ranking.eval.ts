import { Rng } from '@tunekit/core';
import { rocAuc } from '@tunekit/metrics';
import { ModelsError } from '../../errors';
import type { FullSortScorer } from '../../baselines/scorer';
import { selectTopK } from '../../baselines/select-top-k';
import { checkRows, samplePairs, type CsrRows, type LabelledPairs } from './negative-sampling';
import { scorePairs, type Ranker } from './ranking.model';

/** AUCs of held-out positives against sampled negatives, for the head and two baselines. */
export interface PairAucs {
  /** AUC of the ranking head's scores. */
  auc: number;
  /** AUC of the retrieval score u·v alone (the baseline the head must beat). */
  dotAuc: number;
  /** AUC of train popularity alone. */
  popularityAuc: number;
  positives: number;
  negatives: number;
}

/**
 * Fixed evaluation pairs: every held-out positive with `perPositive` uniform negatives, never an
 * item of the user's held-out, train or other `exclude` rows (sampled once, seeded).
 *
 * @param heldOut - CSR of held-out positives
 * @param exclude - CSRs of items never used as negatives (e.g. train)
 * @param perPositive - negatives per positive
 * @param nItems - catalogue size
 * @param seed - sampling seed
 * @returns {@link LabelledPairs}
 */
export function validationPairs(heldOut: CsrRows, exclude: readonly CsrRows[], perPositive: number, nItems: number, seed: number): LabelledPairs {
  return samplePairs(heldOut, exclude, perPositive, { kind: 'uniform', nItems }, new Rng(seed));
}

/**
 * AUCs of labelled pairs under the head, the dot score and popularity.
 *
 * @param ranker - {@link Ranker}
 * @param pairs - {@link LabelledPairs} with both labels present
 * @param popularity - float [nItems] train plays per item
 * @returns {@link PairAucs}
 * @throws MetricsError `EMPTY_INPUT` (from rocAuc) when a class is missing
 */
export function pairAucs(ranker: Ranker, pairs: LabelledPairs, popularity: ArrayLike<number>): PairAucs {
  const head = scorePairs(ranker, pairs.users, pairs.items);
  const { dim, userVectors: U, itemVectors: V } = ranker.towers;
  const n = pairs.users.length;
  const dot = new Float32Array(n);
  const pop = new Float32Array(n);
  let positives = 0;
  for (let k = 0; k < n; k++) {
    const uo = pairs.users[k]! * dim;
    const io = pairs.items[k]! * dim;
    let s = 0;
    for (let c = 0; c < dim; c++) s += U[uo + c]! * V[io + c]!;
    dot[k] = s;
    pop[k] = popularity[pairs.items[k]!]!;
    positives += pairs.labels[k]!;
  }
  return { auc: rocAuc(pairs.labels, head), dotAuc: rocAuc(pairs.labels, dot), popularityAuc: rocAuc(pairs.labels, pop), positives, negatives: n - positives };
}

/** Options of {@link rankingAuc}. */
export interface RankingAucOptions {
  /** Uniform negatives per held-out positive (default the ranker's `negativesPerPositive`). */
  negativesPerPositive?: number;
  /** Sampling seed (default the ranker's seed + 5, apart from the validation negatives). */
  seed?: number;
}

/**
 * Sampled AUC of the ranking stage on held-out pairs: each held-out positive against uniform
 * negatives the user never played in train nor held out; reports the head's AUC next to the
 * dot-score and popularity baselines on the very same pairs. AUC = P(score(pos) > score(neg)),
 * ties ½ (Mann–Whitney; `rocAuc` of @tunekit/metrics).
 *
 * @param ranker - {@link Ranker}
 * @param train - CSR (same users) of training items: excluded from negatives, counted for popularity
 * @param heldOut - CSR of held-out positives (test or validation)
 * @param options - {@link RankingAucOptions}
 * @returns {@link PairAucs}
 * @throws ModelsError `SHAPE_MISMATCH` / `INVALID_INPUT` when the CSRs do not match the ranker's
 *   sizes; `NO_DATA` when there is no held-out positive
 * @example
 * ```ts
 * const r = rankingAuc(fit, { ptr: x.userPtr, items: x.userItems }, { ptr: test.userPtr, items: test.userItems });
 * r.auc - r.dotAuc; // what the ranking stage adds
 * ```
 */
export function rankingAuc(ranker: Ranker, train: CsrRows, heldOut: CsrRows, options: RankingAucOptions = {}): PairAucs {
  checkRows(train, ranker.nUsers, ranker.nItems, 'train', 'rankingAuc');
  checkRows(heldOut, ranker.nUsers, ranker.nItems, 'heldOut', 'rankingAuc');
  if (heldOut.items.length === 0) throw new ModelsError('NO_DATA', 'rankingAuc: heldOut has no positive pairs.');
  const pairs = validationPairs(heldOut, [train], options.negativesPerPositive ?? ranker.config.negativesPerPositive, ranker.nItems, options.seed ?? ranker.config.seed + 5);
  const popularity = new Float64Array(ranker.nItems);
  for (let k = 0; k < train.items.length; k++) popularity[train.items[k]!]! += 1;
  return pairAucs(ranker, pairs, popularity);
}

/** Options of {@link rerankingScorer}. */
export interface RerankingOptions {
  /** Retrieval candidates re-scored by the head per user (default 100). */
  topN?: number;
  /** Items never taken as candidates (the user's train items, which the evaluator masks anyway). */
  exclude?: CsrRows;
  /** Display name (default `<retrieval name>+ranking`). */
  name?: string;
}

/**
 * Retrieval + ranking as one {@link FullSortScorer}: the retrieval scorer ranks the catalogue,
 * its top-N candidates (outside `exclude`) are re-scored by the head and placed above every
 * other item in head order; the rest keep their retrieval scores and order below them. So a
 * full-ranking evaluation (NDCG@k, recall@k, …) measures the two-stage system; AUC/MRR beyond
 * the top N are the retrieval's.
 *
 * @param ranker - {@link Ranker}
 * @param retrieval - first-stage scorer over the same item indices
 * @param options - {@link RerankingOptions}
 * @returns a {@link FullSortScorer}
 * @throws ModelsError `SHAPE_MISMATCH` when the scorers' catalogues differ; `INVALID_INPUT` for topN < 1
 * @example
 * ```ts
 * const both = rerankingScorer(fit, vectorScorer(U, V, dim), { topN: 100, exclude: { ptr: x.userPtr, items: x.userItems } });
 * evaluateFullRanking(both, x, test).means['ndcg@10'];
 * ```
 */
export function rerankingScorer(ranker: Ranker, retrieval: FullSortScorer, options: RerankingOptions = {}): FullSortScorer {
  const nItems = ranker.nItems;
  if (retrieval.nItems !== nItems) throw new ModelsError('SHAPE_MISMATCH', `rerankingScorer: the retrieval scorer ${retrieval.name} scores ${retrieval.nItems} items, the ranker ${nItems}.`, { context: { got: retrieval.nItems, expected: nItems } });
  const topN = options.topN ?? 100;
  if (!(Number.isInteger(topN) && topN >= 1)) throw new ModelsError('INVALID_INPUT', `rerankingScorer: topN must be a positive integer, got ${topN}.`, { context: { topN } });
  if (options.exclude) checkRows(options.exclude, ranker.nUsers, nItems, 'exclude', 'rerankingScorer');
  const skip = new Uint8Array(nItems);
  return {
    name: options.name ?? `${retrieval.name}+ranking`,
    nItems,
    scoreUser(user: number, out: Float32Array): void {
      retrieval.scoreUser(user, out);
      const ex = options.exclude;
      if (ex) for (let k = ex.ptr[user]!; k < ex.ptr[user + 1]!; k++) skip[ex.items[k]!] = 1;
      const cand = selectTopK(out, topN, skip);
      if (ex) for (let k = ex.ptr[user]!; k < ex.ptr[user + 1]!; k++) skip[ex.items[k]!] = 0;
      if (cand.length === 0) return;
      let hi = -Infinity;
      for (let j = 0; j < nItems; j++) if (out[j]! > hi) hi = out[j]!;
      const logits = scorePairs(ranker, new Int32Array(cand.length).fill(user), cand);
      let lo = Infinity;
      for (const z of logits) if (z < lo) lo = z;
      // candidates above everything else, in head order: hi + 1 + (logit − min logit)
      for (let k = 0; k < cand.length; k++) out[cand[k]!] = hi + 1 + (logits[k]! - lo);
    },
  };
}
