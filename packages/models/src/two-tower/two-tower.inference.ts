import { ModelsError } from '../errors';
import { selectTopK } from '../baselines/select-top-k';
import type { TwoTowerArtifacts } from './two-tower.artifacts';
import { towerVectors } from './two-tower.model';

/** Who to recommend for: a known user id, side features (cold start), or both. */
export interface RecommendQuery {
  /** Raw user id as in the training data; unknown ids fall back to the features. */
  userId?: string;
  /** Feature name → value (names as in `userFeatureNames`, e.g. `gender=f`); missing = 0. */
  features?: Readonly<Record<string, number>>;
}

/** Options of {@link recommend}. */
export interface RecommendOptions {
  /** Raw item ids never to return. */
  exclude?: readonly string[];
  /** Leave out the user's training items (default true). */
  excludeHistory?: boolean;
  /** History items listed per recommendation (default 3). */
  neighbours?: number;
  /** Features listed per recommendation (default 3). */
  topFeatures?: number;
}

/** Why an item was recommended. */
export interface Explanation {
  /** The user's own items most similar to this one (cosine of item vectors), best first. */
  similarItems: { itemId: string; similarity: number }[];
  /** Terms that raised the score most: exact additive shares of u·v from the linear towers. */
  features: { side: 'user' | 'item'; name: string; contribution: number }[];
}

/** One recommended item. */
export interface Recommendation {
  itemId: string;
  name?: string;
  score: number;
  explanation: Explanation;
}

const cache = new WeakMap<TwoTowerArtifacts, { items: Float32Array; index: Map<string, number>; itemIndex: Map<string, number>; norms: Float32Array }>();

function prepared(a: TwoTowerArtifacts): { items: Float32Array; index: Map<string, number>; itemIndex: Map<string, number>; norms: Float32Array } {
  let c = cache.get(a);
  if (!c) {
    const n = a.itemIds.length;
    const f = a.itemFeatureNames.length;
    const M = a.members ?? 1;
    const items = towerVectors(a.weights.itemTable, a.weights.itemProj, f > 0 ? a.itemFeatures : null, n, a.dim, M);
    // pre-normalisation norms ‖z_i,m‖ (per ensemble member) give exact feature shares
    const width = a.dim / M;
    const raw = new Float32Array(n * M);
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < M; m++) {
        let s = 0;
        for (let d = m * width; d < (m + 1) * width; d++) {
          let z = a.weights.itemTable[i * a.dim + d]!;
          for (let k = 0; k < f; k++) z += a.itemFeatures[i * f + k]! * a.weights.itemProj[k * a.dim + d]!;
          s += z * z;
        }
        raw[i * M + m] = Math.sqrt(Math.max(s, 1e-12));
      }
    }
    c = { items, index: new Map(a.userIds.map((u, i) => [u, i])), itemIndex: new Map(a.itemIds.map((u, i) => [u, i])), norms: raw };
    cache.set(a, c);
  }
  return c;
}

/**
 * The user tower in plain TS: normalise(E[user or unknown] + features·W) (for a seed ensemble,
 * each member's block normalised and scaled by 1/√members).
 *
 * @param a - loaded artifacts
 * @param query - {@link RecommendQuery}
 * @returns the unit user vector float32 [dim], its pre-normalisation norm (`norm`; per member in
 *   `norms`), the features and the user index (-1 when unknown)
 * @throws ModelsError `INVALID_INPUT` when the id is unknown and no features are given;
 *   `INVALID_INPUT` for a feature name the model does not have
 */
export function userVector(a: TwoTowerArtifacts, query: RecommendQuery): { vector: Float32Array; user: number; norm: number; norms: Float32Array; features: Float32Array } {
  const { index } = prepared(a);
  const user = query.userId !== undefined ? (index.get(query.userId) ?? -1) : -1;
  const fu = a.userFeatureNames.length;
  if (user < 0 && !query.features) {
    throw new ModelsError('INVALID_INPUT', `recommend: user "${query.userId ?? '(none)'}" is not in the training data and no features were given; pass features (${a.userFeatureNames.slice(0, 5).join(', ')}${fu > 5 ? ', …' : ''}) to serve a cold-start user.`, { context: { userId: query.userId } });
  }
  const feats = new Float32Array(fu);
  if (query.features) {
    const names = new Map(a.userFeatureNames.map((n, i) => [n, i]));
    for (const [name, value] of Object.entries(query.features)) {
      const k = names.get(name);
      if (k === undefined) throw new ModelsError('INVALID_INPUT', `recommend: unknown user feature "${name}"; the model has: ${a.userFeatureNames.join(', ') || '(none)'}.`, { context: { feature: name } });
      feats[k] = value;
    }
  } else if (user >= 0) feats.set(a.userFeatures.subarray(user * fu, (user + 1) * fu));
  const row = user >= 0 ? user : a.userIds.length;
  const z = new Float32Array(a.dim);
  for (let d = 0; d < a.dim; d++) z[d] = a.weights.userTable[row * a.dim + d]!;
  for (let k = 0; k < fu; k++) if (feats[k] !== 0) for (let d = 0; d < a.dim; d++) z[d]! += feats[k]! * a.weights.userProj[k * a.dim + d]!;
  const M = a.members ?? 1;
  const width = a.dim / M;
  const norms = new Float32Array(M);
  const vector = new Float32Array(a.dim);
  let total = 0;
  for (let m = 0; m < M; m++) {
    let s = 0;
    for (let d = m * width; d < (m + 1) * width; d++) s += z[d]! * z[d]!;
    total += s;
    norms[m] = Math.sqrt(Math.max(s, 1e-12));
    const inv = 1 / (norms[m]! * Math.sqrt(M));
    for (let d = m * width; d < (m + 1) * width; d++) vector[d] = z[d]! * inv;
  }
  return { vector, user, norm: Math.sqrt(Math.max(total, 1e-12)), norms, features: feats };
}

/**
 * Top-k recommendations with explanations, from loaded artifacts in plain TypeScript:
 * scores u·v_i over the whole catalogue, drops excluded (and by default already played) items,
 * and explains each pick by the user's most similar history items and the largest additive
 * terms of the score (item features: x_ic·(u·W_c)/‖z_i‖; user features: f_c·(W_c·v_i)/‖z_u‖;
 * plus the collaborative id terms).
 *
 * @param a - artifacts from `loadTwoTower`
 * @param query - a known user id, or features for a cold-start user
 * @param k - number of items
 * @param options - {@link RecommendOptions}
 * @returns up to k {@link Recommendation}s, best first
 * @throws ModelsError `INVALID_INPUT` (see {@link userVector})
 * @example
 * ```ts
 * const recs = recommend(loadTwoTower(dir), { userId: '2' }, 10, { exclude: ['289'] });
 * recs[0].explanation.similarItems; // [{ itemId: '67', similarity: 0.81 }, ...]
 * ```
 */
export function recommend(a: TwoTowerArtifacts, query: RecommendQuery, k: number, options: RecommendOptions = {}): Recommendation[] {
  if (!(Number.isInteger(k) && k > 0)) throw new ModelsError('INVALID_INPUT', `recommend: k must be a positive integer, got ${k}.`);
  const { items, itemIndex, norms } = prepared(a);
  const { vector: u, user, norms: uNorms, features: uf } = userVector(a, query);
  const M = a.members ?? 1;
  const width = a.dim / M;
  const rootM = Math.sqrt(M);
  const n = a.itemIds.length;
  const dim = a.dim;
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += u[d]! * items[i * dim + d]!;
    scores[i] = s;
  }
  const skip = new Uint8Array(n);
  const history = user >= 0 ? a.historyItems.subarray(a.historyPtr[user]!, a.historyPtr[user + 1]!) : new Int32Array(0);
  if (options.excludeHistory ?? true) for (const i of history) skip[i] = 1;
  for (const id of options.exclude ?? []) {
    const i = itemIndex.get(id);
    if (i !== undefined) skip[i] = 1;
  }
  const top = selectTopK(scores, k, skip);
  const nb = options.neighbours ?? 3;
  const nf = options.topFeatures ?? 3;
  const fi = a.itemFeatureNames.length;
  const fu = a.userFeatureNames.length;
  return Array.from(top, (i) => {
    const sims = Float32Array.from(history, (h) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += items[i * dim + d]! * items[h * dim + d]!;
      return s;
    });
    const similarItems = Array.from(selectTopK(sims, nb), (t) => ({ itemId: a.itemIds[history[t]!]!, similarity: sims[t]! }));
    const terms: Explanation['features'] = [];
    // item side: u · (x_ic W_c) / ‖z_i‖
    for (let c = 0; c < fi; c++) {
      const x = a.itemFeatures[i * fi + c]!;
      if (x === 0) continue;
      let share = 0;
      for (let m = 0; m < M; m++) {
        let s = 0;
        for (let d = m * width; d < (m + 1) * width; d++) s += u[d]! * a.weights.itemProj[c * dim + d]!;
        share += (x * s) / (rootM * norms[i * M + m]!);
      }
      terms.push({ side: 'item', name: a.itemFeatureNames[c]!, contribution: share });
    }
    let idItem = 0;
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let d = m * width; d < (m + 1) * width; d++) s += u[d]! * a.weights.itemTable[i * dim + d]!;
      idItem += s / (rootM * norms[i * M + m]!);
    }
    terms.push({ side: 'item', name: 'item id', contribution: idItem });
    // user side: f_c (W_c · v_i) / ‖z_u‖
    for (let c = 0; c < fu; c++) {
      const f = uf[c]!;
      if (f === 0) continue;
      let share = 0;
      for (let m = 0; m < M; m++) {
        let s = 0;
        for (let d = m * width; d < (m + 1) * width; d++) s += a.weights.userProj[c * dim + d]! * items[i * dim + d]!;
        share += (f * s) / (rootM * uNorms[m]!);
      }
      terms.push({ side: 'user', name: a.userFeatureNames[c]!, contribution: share });
    }
    const features = terms.filter((t) => t.contribution > 0).sort((p, q) => q.contribution - p.contribution).slice(0, nf);
    const name = a.itemNames?.[i];
    return { itemId: a.itemIds[i]!, ...(name !== undefined ? { name } : {}), score: scores[i]!, explanation: { similarItems, features } };
  });
}
