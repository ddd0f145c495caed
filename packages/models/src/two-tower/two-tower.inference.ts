import { ModelsError } from '../errors';
import { selectTopK } from '../baselines/select-top-k';
import type { TwoTowerArtifacts } from './two-tower.artifacts';
import { towerPreactivations, towerVectors, type TowerSide } from './two-tower.model';
import { entityRow, type EntityFeature } from './entity-feature';

/** Who to recommend for: a known user id, side features (cold start), or both. */
export interface RecommendQuery {
  /** Raw user id as in the training data; unknown ids fall back to the features. */
  userId?: string;
  /** Feature name → value (names as in `userFeatureNames`, e.g. `gender=f`); missing = 0. */
  features?: Readonly<Record<string, number>>;
  /**
   * Entity feature name → raw value (looked up in the entity's `values`; unseen → the unknown row)
   * or entity index, e.g. `{ country: 'DE' }`; overrides a known user's stored entity.
   */
  entities?: Readonly<Record<string, string | number>>;
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

/**
 * How a feature's contribution was computed: `exact` = its additive share of u·v (linear feature
 * projections, id and entity embeddings, which are summed before the normalisation);
 * `occlusion` = score minus the score with that feature set to its training mean (features that
 * go through an MLP tower, where no exact additive share exists; occlusion shares need not sum
 * to the score).
 */
export type AttributionMethod = 'exact' | 'occlusion';

/** Why an item was recommended. */
export interface Explanation {
  /** The user's own items most similar to this one (cosine of item vectors), best first. */
  similarItems: { itemId: string; similarity: number }[];
  /** Terms that raised the score most, each labelled with its {@link AttributionMethod}. */
  features: { side: 'user' | 'item'; name: string; contribution: number; method: AttributionMethod }[];
}

/** One recommended item. */
export interface Recommendation {
  itemId: string;
  name?: string;
  score: number;
  explanation: Explanation;
}

interface Prepared {
  items: Float32Array;
  index: Map<string, number>;
  itemIndex: Map<string, number>;
  /** Pre-normalisation norm of each item's member blocks, [n · members]. */
  norms: Float32Array;
  /** Training mean of each feature column (occlusion baseline), computed on first use. */
  means: { user: Float32Array | null; item: Float32Array | null };
}

const cache = new WeakMap<TwoTowerArtifacts, Prepared>();

function entityIdsOf(entities: readonly EntityFeature[] | undefined, row: number): Int32Array[] {
  return (entities ?? []).map((e) => Int32Array.of(e.ids[row]!));
}

/** Normalises each member block of a single row; returns the unit vector and the block norms. */
function normaliseRow(z: Float32Array, members: number): { vector: Float32Array; norms: Float32Array } {
  const dim = z.length;
  const width = dim / members;
  const norms = new Float32Array(members);
  const vector = new Float32Array(dim);
  for (let m = 0; m < members; m++) {
    let s = 0;
    for (let d = m * width; d < (m + 1) * width; d++) s += z[d]! * z[d]!;
    norms[m] = Math.sqrt(Math.max(s, 1e-12));
    const inv = 1 / (norms[m]! * Math.sqrt(members));
    for (let d = m * width; d < (m + 1) * width; d++) vector[d] = z[d]! * inv;
  }
  return { vector, norms };
}

function prepared(a: TwoTowerArtifacts): Prepared {
  let c = cache.get(a);
  if (!c) {
    const n = a.itemIds.length;
    const f = a.itemFeatureNames.length;
    const M = a.members ?? 1;
    const dim = a.dim;
    const width = dim / M;
    const items = towerPreactivations(a.weights, 'item', { features: f > 0 ? a.itemFeatures : null, entityIds: (a.itemEntities ?? []).map((e) => e.ids) }, n, dim);
    // pre-normalisation norms ‖z_i,m‖ (per ensemble member) give exact shares of additive terms
    const norms = new Float32Array(n * M);
    const scale = 1 / Math.sqrt(M);
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < M; m++) {
        const b = i * dim + m * width;
        let s = 0;
        for (let d = 0; d < width; d++) s += items[b + d]! * items[b + d]!;
        norms[i * M + m] = Math.sqrt(Math.max(s, 1e-12));
        const inv = scale / norms[i * M + m]!;
        for (let d = 0; d < width; d++) items[b + d]! *= inv;
      }
    }
    c = { items, index: new Map(a.userIds.map((u, i) => [u, i])), itemIndex: new Map(a.itemIds.map((u, i) => [u, i])), norms, means: { user: null, item: null } };
    cache.set(a, c);
  }
  return c;
}

/** Column means of a side's training feature rows (the occlusion baseline). */
function featureMeans(a: TwoTowerArtifacts, p: Prepared, side: TowerSide): Float32Array {
  const cached = p.means[side];
  if (cached) return cached;
  const f = side === 'user' ? a.userFeatureNames.length : a.itemFeatureNames.length;
  const values = side === 'user' ? a.userFeatures : a.itemFeatures;
  const rows = f > 0 ? values.length / f : 0;
  const sums = new Float64Array(f);
  for (let r = 0; r < rows; r++) for (let k = 0; k < f; k++) sums[k]! += values[r * f + k]!;
  const means = Float32Array.from(sums, (x) => (rows > 0 ? x / rows : 0));
  p.means[side] = means;
  return means;
}

/**
 * The user tower in plain TS: normalise(E[user or unknown] + Σ entity rows + g(features)), g the
 * linear projection or the feature MLP (for a seed ensemble, each member's block normalised and
 * scaled by 1/√members).
 *
 * @param a - loaded artifacts
 * @param query - {@link RecommendQuery}
 * @returns the unit user vector float32 [dim], its pre-normalisation norm (`norm`; per member in
 *   `norms`), the features, the entity ids (one per entity feature, -1 unknown) and the user index (-1 when unknown)
 * @throws ModelsError `INVALID_INPUT` when the id is unknown and neither features nor entities are
 *   given; `INVALID_INPUT` for a feature or entity name the model does not have
 */
export function userVector(a: TwoTowerArtifacts, query: RecommendQuery): { vector: Float32Array; user: number; norm: number; norms: Float32Array; features: Float32Array; entityIds: Int32Array[] } {
  const { index } = prepared(a);
  const user = query.userId !== undefined ? (index.get(query.userId) ?? -1) : -1;
  const fu = a.userFeatureNames.length;
  if (user < 0 && !query.features && !query.entities) {
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
  const ents = a.userEntities ?? [];
  const entityIds = ents.map((e) => Int32Array.of(user >= 0 ? e.ids[user]! : -1));
  for (const [name, value] of Object.entries(query.entities ?? {})) {
    const k = ents.findIndex((e) => e.name === name);
    if (k < 0) throw new ModelsError('INVALID_INPUT', `recommend: unknown user entity "${name}"; the model has: ${ents.map((e) => e.name).join(', ') || '(none)'}.`, { context: { entity: name } });
    const e = ents[k]!;
    const id = typeof value === 'number' ? value : (e.values?.indexOf(value) ?? -1);
    entityIds[k] = Int32Array.of(Number.isInteger(id) && id >= 0 && id < e.cardinality ? id : -1);
  }
  const row = user >= 0 ? user : a.userIds.length;
  const z = towerPreactivations(a.weights, 'user', { features: fu > 0 ? feats : null, entityIds, idRows: Int32Array.of(row) }, 1, a.dim);
  let total = 0;
  for (let d = 0; d < a.dim; d++) total += z[d]! * z[d]!;
  const { vector, norms } = normaliseRow(z, a.members ?? 1);
  return { vector, user, norm: Math.sqrt(Math.max(total, 1e-12)), norms, features: feats, entityIds };
}

/**
 * Every user's or item's tower output from loaded artifacts (features, entity tables, feature
 * MLPs with batch-norm moving statistics and ensemble members all taken from the artifacts): what
 * an evaluator needs for full-catalogue scoring. Prefer this to the linear `towerVectors(table,
 * proj, …)` form, which ignores MLPs and entity tables.
 *
 * @param a - artifacts from `loadTwoTower`
 * @param side - `user` or `item`
 * @returns float32 [rows · a.dim], rows of unit norm (per-member blocks of norm 1/√members)
 * @example
 * ```ts
 * const U = artifactVectors(art, 'user');
 * const V = artifactVectors(art, 'item');
 * const scorer = vectorScorer(U, V, art.dim);
 * ```
 */
export function artifactVectors(a: TwoTowerArtifacts, side: TowerSide): Float32Array {
  const names = side === 'user' ? a.userFeatureNames : a.itemFeatureNames;
  const rows = side === 'user' ? a.userIds.length : a.itemIds.length;
  const entities = (side === 'user' ? a.userEntities : a.itemEntities) ?? [];
  return towerVectors(a.weights, side, { features: names.length > 0 ? (side === 'user' ? a.userFeatures : a.itemFeatures) : null, entityIds: entities.map((e) => e.ids) }, rows, a.dim, a.members ?? 1);
}

/** Σ over member blocks of (a_block · t_block) / (√M · norm_m): the exact share of an additive term t. */
function share(a: Float32Array, aOff: number, t: Float32Array, tOff: number, norms: Float32Array, nOff: number, dim: number, M: number): number {
  const width = dim / M;
  const rootM = Math.sqrt(M);
  let total = 0;
  for (let m = 0; m < M; m++) {
    let s = 0;
    for (let d = m * width; d < (m + 1) * width; d++) s += a[aOff + d]! * t[tOff + d]!;
    total += s / (rootM * norms[nOff + m]!);
  }
  return total;
}

function entityLabel(e: EntityFeature, id: number): string {
  return `${e.name}=${id < 0 ? '<unknown>' : (e.values?.[id] ?? String(id))}`;
}

/**
 * Top-k recommendations with explanations, from loaded artifacts in plain TypeScript:
 * scores u·v_i over the whole catalogue, drops excluded (and by default already played) items,
 * and explains each pick by the user's most similar history items and the largest terms of the
 * score. Linear feature projections, id and entity embeddings give exact additive shares
 * (item features: x_ic·(u·W_c)/‖z_i‖; user features: f_c·(W_c·v_i)/‖z_u‖; entity and id rows
 * likewise); features of an MLP tower are attributed by occlusion (score minus the score with
 * the feature at its training mean). Every term says which (`method`).
 *
 * @param a - artifacts from `loadTwoTower`
 * @param query - a known user id, or features / entities for a cold-start user
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
  const p = prepared(a);
  const { items, itemIndex, norms } = p;
  const { vector: u, user, norms: uNorms, features: uf, entityIds: uEnt } = userVector(a, query);
  const M = a.members ?? 1;
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
  const w = a.weights;
  const itemMlp = (w.itemMlp?.length ?? 0) > 0;
  const userMlp = (w.userMlp?.length ?? 0) > 0;
  // user-side occlusion: the user vector with each active feature at its training mean (once per feature)
  const userOccluded: { c: number; vector: Float32Array }[] = [];
  if (userMlp && nf > 0) {
    const mean = featureMeans(a, p, 'user');
    const row = Int32Array.of(user >= 0 ? user : a.userIds.length);
    for (let c = 0; c < fu; c++) {
      if (uf[c] === 0) continue;
      const f = uf.slice();
      f[c] = mean[c]!;
      userOccluded.push({ c, vector: normaliseRow(towerPreactivations(w, 'user', { features: f, entityIds: uEnt, idRows: row }, 1, dim), M).vector });
    }
  }
  return Array.from(top, (i) => {
    const sims = Float32Array.from(history, (h) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += items[i * dim + d]! * items[h * dim + d]!;
      return s;
    });
    const similarItems = Array.from(selectTopK(sims, nb), (t) => ({ itemId: a.itemIds[history[t]!]!, similarity: sims[t]! }));
    const terms: Explanation['features'] = [];
    if (nf > 0) {
      // item side
      const xi = a.itemFeatures.subarray(i * fi, (i + 1) * fi);
      if (itemMlp) {
        const mean = featureMeans(a, p, 'item');
        const ids = entityIdsOf(a.itemEntities, i);
        for (let c = 0; c < fi; c++) {
          if (xi[c] === 0) continue;
          const f = xi.slice();
          f[c] = mean[c]!;
          const v = normaliseRow(towerPreactivations(w, 'item', { features: f, entityIds: ids, idRows: Int32Array.of(i) }, 1, dim), M).vector;
          let s = 0;
          for (let d = 0; d < dim; d++) s += u[d]! * v[d]!;
          terms.push({ side: 'item', name: a.itemFeatureNames[c]!, contribution: scores[i]! - s, method: 'occlusion' });
        }
      } else {
        for (let c = 0; c < fi; c++) {
          const x = xi[c]!;
          if (x === 0) continue;
          terms.push({ side: 'item', name: a.itemFeatureNames[c]!, contribution: x * share(u, 0, w.itemProj, c * dim, norms, i * M, dim, M), method: 'exact' });
        }
      }
      (a.itemEntities ?? []).forEach((e, k) => {
        const id = e.ids[i]!;
        terms.push({ side: 'item', name: entityLabel(e, id), contribution: share(u, 0, w.itemEntityTables![k]!, entityRow(id, e.cardinality) * dim, norms, i * M, dim, M), method: 'exact' });
      });
      terms.push({ side: 'item', name: 'item id', contribution: share(u, 0, w.itemTable, i * dim, norms, i * M, dim, M), method: 'exact' });
      // user side
      if (userMlp) {
        for (const o of userOccluded) {
          let s = 0;
          for (let d = 0; d < dim; d++) s += o.vector[d]! * items[i * dim + d]!;
          terms.push({ side: 'user', name: a.userFeatureNames[o.c]!, contribution: scores[i]! - s, method: 'occlusion' });
        }
      } else {
        for (let c = 0; c < fu; c++) {
          const f = uf[c]!;
          if (f === 0) continue;
          terms.push({ side: 'user', name: a.userFeatureNames[c]!, contribution: f * share(items, i * dim, w.userProj, c * dim, uNorms, 0, dim, M), method: 'exact' });
        }
      }
      (a.userEntities ?? []).forEach((e, k) => {
        const id = uEnt[k]![0]!;
        terms.push({ side: 'user', name: entityLabel(e, id), contribution: share(items, i * dim, w.userEntityTables![k]!, entityRow(id, e.cardinality) * dim, uNorms, 0, dim, M), method: 'exact' });
      });
    }
    const features = terms.filter((t) => t.contribution > 0).sort((p, q) => q.contribution - p.contribution).slice(0, nf);
    const name = a.itemNames?.[i];
    return { itemId: a.itemIds[i]!, ...(name !== undefined ? { name } : {}), score: scores[i]!, explanation: { similarItems, features } };
  });
}
