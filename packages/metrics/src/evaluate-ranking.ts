import { MetricsError } from './metrics-error';
import { parseMetricSpec } from './metric-spec';
import type { MetricSpec } from './metric-spec';
import { toRankedLists } from './ranked-lists';
import type { RankedListsInput } from './ranked-lists';
import { apKernel, binaryIdcg, dcgKernel, f1FromHits, hitsKernel, listAucKernel, rrKernel } from './ranking-metrics';
import { RelevanceCursor, relevanceUserCount } from './relevance';
import type { RelevanceInput } from './relevance';

/** Input of {@link evaluateRanking}. User u is index u in every array. */
export interface EvaluateRankingInput {
  /** Ranked item ids per user, best first (top-K lists, flat with offsets, or one array per user). */
  readonly lists: RankedListsInput;
  /** Relevant items per user (sets, graded maps, or CSR). */
  readonly relevant: RelevanceInput;
  /**
   * Optional int [users]: 1-based rank of the first relevant item in the user's *full* ranking
   * (0 = none), from {@link rankOfFirstRelevant}. Needed for `mrr` (without @k) when the lists
   * are truncated top-K lists.
   */
  readonly firstRelevantRank?: ArrayLike<number>;
  /**
   * True when every list is the complete ranking of that user's candidates (e.g. a TREC run),
   * so `mrr`, `auc`, `r-prec` and any @k may be computed from the lists themselves. Default false.
   */
  readonly listsAreComplete?: boolean;
}

/** Who was averaged over. */
export interface RankingPopulation {
  /** Users in the input. */
  readonly users: number;
  /** Users with at least one relevant item: the population every mean is taken over. */
  readonly usersEvaluated: number;
  /** Users with no relevant item (not averaged, reported here). */
  readonly usersWithoutRelevant: number;
  /** Indices of the users with no relevant item. */
  readonly usersWithoutRelevantIndices: Int32Array;
}

/** Result of {@link evaluateRanking}. */
export interface EvaluateRankingResult {
  /** Mean of each metric over the evaluated users, keyed by canonical spec (`ndcg@10`, ...). */
  readonly means: Record<string, number>;
  /** float64 [users] per metric; NaN for users not evaluated (and for per-user undefined AUC). */
  readonly perUser: Record<string, Float64Array>;
  /** Users evaluated and users reported without relevant items. */
  readonly population: RankingPopulation;
  /** The parsed specs, in order. */
  readonly specs: readonly MetricSpec[];
  /** Caveats that apply to these numbers (e.g. users whose AUC was undefined). */
  readonly notes: readonly string[];
}

/**
 * Computes ranking metrics for many users in one pass and averages them over the users with at
 * least one relevant item (users with none get NaN and are counted in `population`). Each user's
 * list is looked up once; every metric is then computed from the same gains vector.
 *
 * Specs (see {@link parseMetricSpec}): `ndcg@k` (linear gain, log2 discount, IDCG over
 * min(|R|,k)), `ndcg-exp@k`, `dcg@k`, `map@k` (÷ min(|R|,k)), `map-r@k` (÷ |R|), `mrr` (full
 * ranking: from `firstRelevantRank`, or the lists when `listsAreComplete`), `mrr@k`, `recall@k`,
 * `precision@k` (÷ k), `hit@k`, `f1@k`, `r-prec`, `auc` (complete lists only; users whose list has
 * no non-relevant item are NaN and left out of the mean, noted).
 *
 * Lists are taken in the given order (ties were already broken when they were built — `topK`
 * puts the lower item index first). Lists must not repeat an item.
 *
 * The Last.fm protocol is exactly `evaluateRanking({ lists: top10or20, relevant: testSets,
 * firstRelevantRank }, ['ndcg@10', 'recall@20', 'hit@10', 'map@10', 'mrr'])` with
 * `firstRelevantRank[u] = rankOfFirstRelevant(scoreRow_u, testSet_u, trainItems_u)`.
 *
 * @param input - lists, relevance, optional full-ranking first-hit ranks.
 * @param specs - metric specs as text (`'ndcg@10'`) or parsed {@link MetricSpec}s.
 * @returns means, per-user arrays, population counts and notes.
 * @throws MetricsError `UNKNOWN_METRIC` on a bad spec; `SHAPE_MISMATCH` when lists, relevance and
 *   ranks disagree on the number of users; `UNSUPPORTED` when a metric needs more of the ranking
 *   than the lists hold (e.g. `mrr` from top-K lists without `firstRelevantRank`, or `ndcg@20`
 *   from top-10 lists).
 * @example
 * ```ts
 * const r = evaluateRanking({ lists: [[3, 1], [5, 4]], relevant: [new Set([1]), new Set()] }, ['hit@2', 'ndcg@2']);
 * r.means['hit@2'];                         // 1 (one user evaluated)
 * r.population.usersWithoutRelevant;         // 1
 * ```
 */
export function evaluateRanking(
  input: EvaluateRankingInput,
  specs: readonly (string | MetricSpec)[],
): EvaluateRankingResult {
  const parsed = specs.map((s) => (typeof s === 'string' ? parseMetricSpec(s) : s));
  const lists = toRankedLists(input.lists);
  const users = lists.offsets.length - 1;
  const nRelUsers = relevanceUserCount(input.relevant);
  if (nRelUsers !== users) {
    throw new MetricsError('SHAPE_MISMATCH', `evaluateRanking: ${users} ranked lists but relevance for ${nRelUsers} users`, {
      context: { lists: users, relevance: nRelUsers },
    });
  }
  const ranks = input.firstRelevantRank;
  if (ranks && ranks.length !== users) {
    throw new MetricsError('SHAPE_MISMATCH', `evaluateRanking: firstRelevantRank has ${ranks.length} entries for ${users} users`);
  }
  const complete = input.listsAreComplete === true;
  let maxLen = 0;
  for (let u = 0; u < users; u++) maxLen = Math.max(maxLen, (lists.offsets[u + 1] as number) - (lists.offsets[u] as number));
  for (const s of parsed) {
    if (complete) continue;
    if (s.name === 'auc') {
      throw new MetricsError('UNSUPPORTED', 'evaluateRanking: "auc" needs complete rankings (listsAreComplete: true); for top-K lists use userAuc() on each score row and gauc()');
    }
    if (s.name === 'mrr' && s.k === undefined && !ranks) {
      throw new MetricsError(
        'UNSUPPORTED',
        'evaluateRanking: "mrr" is over the full ranking; pass firstRelevantRank (see rankOfFirstRelevant) or listsAreComplete: true, or ask for mrr@k',
      );
    }
    if (s.k !== undefined && s.k > maxLen) {
      throw new MetricsError('UNSUPPORTED', `evaluateRanking: "${s.key}" needs lists of ${s.k} items but the longest list has ${maxLen}; rank deeper or set listsAreComplete`, {
        context: { spec: s.key, maxListLength: maxLen },
      });
    }
  }

  const perUser: Record<string, Float64Array> = {};
  for (const s of parsed) perUser[s.key] = new Float64Array(users);
  const cols = parsed.map((s) => perUser[s.key] as Float64Array);
  const cursor = new RelevanceCursor(input.relevant);
  const g = new Float64Array(maxLen);
  const without: number[] = [];
  let fixedDepth = 0;
  let needsRelDepth = false;
  let needsFullDepth = false;
  for (const s of parsed) {
    if (s.k !== undefined) fixedDepth = Math.max(fixedDepth, s.k);
    else if (s.name === 'r-prec') needsRelDepth = true;
    else if (s.name === 'auc' || (s.name === 'mrr' && !ranks)) needsFullDepth = true;
  }
  let rprecShort = 0;
  let aucUndefined = 0;
  const items = lists.items;
  for (let u = 0; u < users; u++) {
    const nRel = cursor.select(u);
    if (nRel === 0) {
      without.push(u);
      for (const c of cols) c[u] = Number.NaN;
      continue;
    }
    const lo = lists.offsets[u] as number;
    const len = (lists.offsets[u + 1] as number) - lo;
    // Look up only as deep as some metric reads (top-10 of a top-100 list for ndcg@10 alone).
    const depth = Math.min(len, Math.max(fixedDepth, needsRelDepth ? nRel : 0, needsFullDepth ? len : 0));
    const dense = cursor.dense();
    if (dense !== null) {
      for (let i = 0; i < depth; i++) {
        const x = dense[items[lo + i] as number];
        g[i] = x === undefined ? 0 : x;
      }
    } else for (let i = 0; i < depth; i++) g[i] = cursor.grade(items[lo + i] as number);
    let ideal: Float64Array | null = null;
    for (let m = 0; m < parsed.length; m++) {
      const s = parsed[m] as MetricSpec;
      const k = s.k ?? len;
      let v: number;
      switch (s.name) {
        case 'ndcg': {
          let idcg: number;
          if (cursor.graded) {
            ideal ??= cursor.idealGrades();
            idcg = dcgKernel(ideal, ideal.length, k, s.gain);
          } else idcg = binaryIdcg(nRel, k);
          v = dcgKernel(g, len, k, s.gain) / idcg;
          break;
        }
        case 'dcg':
          v = dcgKernel(g, len, k, s.gain);
          break;
        case 'map':
          v = apKernel(g, len, k, nRel, s.apDenominator);
          break;
        case 'mrr':
          if (s.k === undefined && ranks) {
            const r = ranks[u] as number;
            v = r >= 1 ? 1 / r : 0;
          } else v = rrKernel(g, len, k);
          break;
        case 'recall':
          v = hitsKernel(g, len, k) / nRel;
          break;
        case 'precision':
          v = hitsKernel(g, len, k) / k;
          break;
        case 'hit':
          v = hitsKernel(g, len, k) > 0 ? 1 : 0;
          break;
        case 'f1':
          v = f1FromHits(hitsKernel(g, len, k), k, nRel);
          break;
        case 'r-prec':
          if (nRel > len && !complete) rprecShort++;
          v = hitsKernel(g, len, nRel) / nRel;
          break;
        case 'auc':
          v = listAucKernel(g, len);
          if (v !== v) aucUndefined++;
          break;
      }
      (cols[m] as Float64Array)[u] = v;
    }
  }
  cursor.clear();

  const means: Record<string, number> = {};
  for (let m = 0; m < parsed.length; m++) {
    const c = cols[m] as Float64Array;
    let s = 0;
    let n = 0;
    for (let u = 0; u < users; u++) {
      const v = c[u] as number;
      if (v === v) {
        s += v;
        n++;
      }
    }
    means[(parsed[m] as MetricSpec).key] = n > 0 ? s / n : Number.NaN;
  }
  const notes: string[] = [];
  if (without.length > 0) notes.push(`${without.length} of ${users} users have no relevant item and are not averaged`);
  if (rprecShort > 0) notes.push(`r-prec: ${rprecShort} users have more relevant items than listed items; their R-precision counts unlisted items as misses`);
  if (aucUndefined > 0) notes.push(`auc: ${aucUndefined} users have no non-relevant listed item; their AUC is undefined and not averaged`);
  return {
    means,
    perUser,
    population: {
      users,
      usersEvaluated: users - without.length,
      usersWithoutRelevant: without.length,
      usersWithoutRelevantIndices: Int32Array.from(without),
    },
    specs: parsed,
    notes,
  };
}
