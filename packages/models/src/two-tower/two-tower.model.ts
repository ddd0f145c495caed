import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { l2Normalize, SparseEmbedding, type SparseBatch } from '@tunekit/runtime';
import { ModelsError } from '../errors';
import type { TwoTowerConfig } from './two-tower.config';
import type { FeatureMatrix } from './feature-matrix';
import { checkEntities, entityRow, type EntityFeature } from './entity-feature';
import { cloneMlp, mlpForward, type TowerMlpWeights } from './tower-mlp';
import { TowerMlpLayer } from './tower-mlp.layer';

/** Sizes and side features a {@link TwoTowerModel} is built for. */
export interface TwoTowerShape {
  nUsers: number;
  nItems: number;
  /** Optional user side features, rows aligned with user indices. */
  userFeatures?: FeatureMatrix;
  /** Rows of `userFeatures` (default nUsers; 2 · nUsers when cold-start rows are appended, see `TwoTowerData.userColdFeatures`). */
  userFeatureRows?: number;
  /** Optional item side features (tags, genre, year, audio...), rows aligned with item indices. */
  itemFeatures?: FeatureMatrix;
  /** High-cardinality user categoricals (country, …), each embedded with its own sparse table. */
  userEntities?: readonly EntityFeature[];
  /** High-cardinality item categoricals (artist of a track, …), each embedded with its own sparse table. */
  itemEntities?: readonly EntityFeature[];
}

/** Plain typed-array weights of a two-tower model (what artifacts and inference hold). */
export interface TwoTowerWeights {
  /** float32 [(nUsers + 1) · dim]; the last row is the shared "unknown user" vector. */
  userTable: Float32Array;
  /** float32 [(nItems + 1) · dim]; the last row is the shared "unknown item" vector. */
  itemTable: Float32Array;
  /** float32 [userFeatureCount · dim] or empty. */
  userProj: Float32Array;
  /** float32 [itemFeatureCount · dim] or empty (empty too when the item tower has an MLP). */
  itemProj: Float32Array;
  /**
   * Feature MLP of the user tower (config `hidden` non-empty), one per seed-ensemble member whose
   * outputs sit side by side along the width; absent = the linear projection `userProj`.
   */
  userMlp?: TowerMlpWeights[];
  /** Same for the item tower. */
  itemMlp?: TowerMlpWeights[];
  /** float32 [(cardinality + 1) · dim] per user entity feature (order of the shape's `userEntities`; last row unknown). */
  userEntityTables?: Float32Array[];
  /** Same for the item entity features. */
  itemEntityTables?: Float32Array[];
}

/** A tower side. */
export type TowerSide = 'user' | 'item';

/** Hyper-parameters {@link TwoTowerModel} reads (the MLP ones are optional: absent = linear). */
export type TwoTowerModelConfig = Pick<TwoTowerConfig, 'dim' | 'initScale' | 'embeddingLearningRate' | 'seed'> & Partial<Pick<TwoTowerConfig, 'hidden' | 'batchNorm' | 'batchNormMomentum' | 'dropout' | 'mlpInitScale'>>;

/**
 * Two towers over ids and side features: tower(x) = normalise(E[id] + Σ_e T_e[entity_e] + g(f)),
 * a sparse id embedding, optional sparse entity embeddings (artist, country, …) and a feature path
 * g, L2-normalised so u·v is a cosine. With `hidden: []` (default) g(f) = f·W, a linear projection
 * that keeps every feature's share of a score exact (see explanations); otherwise g is an MLP
 * [Dense → BatchNorm → ReLU (→ dropout)]* → Dense(dim). Ids outside the training vocabulary use the
 * last ("unknown") row, trained through id dropout; unknown entities likewise (entity dropout).
 */
export class TwoTowerModel {
  readonly dim: number;
  readonly nUsers: number;
  readonly nItems: number;
  readonly userEmb: SparseEmbedding;
  readonly itemEmb: SparseEmbedding;
  readonly userProj: tf.Variable<tf.Rank.R2> | null;
  readonly itemProj: tf.Variable<tf.Rank.R2> | null;
  readonly userFeat: tf.Tensor2D | null;
  readonly itemFeat: tf.Tensor2D | null;
  /** Feature MLPs (null on the linear path or without features). */
  readonly userMlp: TowerMlpLayer | null;
  readonly itemMlp: TowerMlpLayer | null;
  /** One sparse table per entity feature, (cardinality + 1) × dim. */
  readonly userEntityEmb: SparseEmbedding[];
  readonly itemEntityEmb: SparseEmbedding[];
  private readonly userEntities: readonly EntityFeature[];
  private readonly itemEntities: readonly EntityFeature[];

  /**
   * @param shape - sizes, side features and entity features
   * @param config - hyper-parameters (dim, initScale, embeddingLearningRate, seed; hidden, batchNorm, batchNormMomentum, dropout, mlpInitScale)
   * @throws ModelsError `INVALID_INPUT` when a feature matrix does not have one row per id or an entity feature is malformed
   */
  constructor(shape: TwoTowerShape, config: TwoTowerModelConfig) {
    this.dim = config.dim;
    this.nUsers = shape.nUsers;
    this.nItems = shape.nItems;
    this.userEntities = shape.userEntities ?? [];
    this.itemEntities = shape.itemEntities ?? [];
    checkEntities(this.userEntities, shape.nUsers, 'TwoTowerModel user side');
    checkEntities(this.itemEntities, shape.nItems, 'TwoTowerModel item side');
    const opt = { kind: 'adam' as const, learningRate: config.embeddingLearningRate };
    this.userEmb = new SparseEmbedding({ numRows: shape.nUsers + 1, dim: config.dim, seed: config.seed, initScale: config.initScale, optimizer: opt });
    this.itemEmb = new SparseEmbedding({ numRows: shape.nItems + 1, dim: config.dim, seed: config.seed + 1, initScale: config.initScale, optimizer: opt });
    const hidden = config.hidden ?? [];
    const rng = new Rng(config.seed + 2);
    const proj = (f: FeatureMatrix | undefined, rows: number, what: string): [tf.Tensor2D | null, tf.Variable<tf.Rank.R2> | null] => {
      if (!f || f.names.length === 0) return [null, null];
      const w = f.names.length;
      if (f.values.length !== rows * w) {
        throw new ModelsError('INVALID_INPUT', `TwoTowerModel: ${what} features hold ${f.values.length} values, expected ${rows} rows × ${w} columns.`, { context: { what, rows, columns: w } });
      }
      if (hidden.length > 0) return [tf.tensor2d(f.values, [rows, w]), null];
      const limit = Math.sqrt(6 / (w + config.dim)) * 0.1;
      const init = new Float32Array(w * config.dim);
      for (let k = 0; k < init.length; k++) init[k] = rng.uniform(-limit, limit);
      const initial = tf.tensor2d(init, [w, config.dim]);
      const variable = tf.variable(initial, true);
      initial.dispose();
      return [tf.tensor2d(f.values, [rows, w]), variable];
    };
    [this.userFeat, this.userProj] = proj(shape.userFeatures, shape.userFeatureRows ?? shape.nUsers, 'user');
    [this.itemFeat, this.itemProj] = proj(shape.itemFeatures, shape.nItems, 'item');
    const mlp = (feat: tf.Tensor2D | null, seed: number): TowerMlpLayer | null =>
      feat && hidden.length > 0
        ? new TowerMlpLayer({ inputs: feat.shape[1], hidden, outputs: config.dim, batchNorm: config.batchNorm ?? true, momentum: config.batchNormMomentum ?? 0.99, dropout: config.dropout ?? 0, outputInitScale: config.mlpInitScale ?? 0.01, seed })
        : null;
    this.userMlp = mlp(this.userFeat, config.seed + 4);
    this.itemMlp = mlp(this.itemFeat, config.seed + 5);
    const tables = (entities: readonly EntityFeature[], seed: number): SparseEmbedding[] =>
      entities.map((e, k) => new SparseEmbedding({ numRows: e.cardinality + 1, dim: config.dim, seed: seed + k, initScale: config.initScale, optimizer: opt }));
    this.userEntityEmb = tables(this.userEntities, config.seed + 100);
    this.itemEntityEmb = tables(this.itemEntities, config.seed + 200);
  }

  /** Dense trainable variables (the projections, or the MLPs' kernels, biases, γ and β). */
  denseVariables(): tf.Variable[] {
    const linear: tf.Variable[] = [this.userProj, this.itemProj].filter((v): v is tf.Variable<tf.Rank.R2> => v !== null);
    return [...linear, ...(this.userMlp?.variables() ?? []), ...(this.itemMlp?.variables() ?? [])];
  }

  /**
   * Sparse batches of a side's entity tables for the rows of a training batch (pass them to the
   * tower and to `trainStep`'s `sparse`). Each id is replaced by the unknown row with probability
   * `dropout` (drawn from `rng` only when dropout > 0).
   *
   * @param side - `user` or `item`
   * @param featureRows - int32 [batch] true row of each batch entry
   * @param dropout - entity dropout probability
   * @param rng - seeded generator of the trainer
   * @returns one batch per entity feature (empty without entities)
   */
  entityBatches(side: TowerSide, featureRows: Int32Array, dropout: number, rng: Rng): SparseBatch[] {
    const entities = side === 'user' ? this.userEntities : this.itemEntities;
    const embs = side === 'user' ? this.userEntityEmb : this.itemEntityEmb;
    return entities.map((e, k) => {
      const ids = Int32Array.from(featureRows, (r) => (dropout > 0 && rng.next() < dropout ? e.cardinality : entityRow(e.ids[r]!, e.cardinality)));
      return embs[k]!.batch(ids);
    });
  }

  /**
   * One tower's normalised output for a training batch (MLP in training mode: batch statistics,
   * dropout); call inside the loss closure, then {@link TwoTowerModel.commitStats} after the step.
   *
   * @param side - `user` or `item`
   * @param ids - the sparse batch of (possibly dropped-out) id rows
   * @param featureRows - int32 [batch] rows of the feature matrix (the true ids)
   * @param entities - batches from {@link TwoTowerModel.entityBatches} (default none)
   * @returns float32 [batch, dim]
   */
  tower(side: TowerSide, ids: SparseBatch, featureRows: Int32Array, entities: readonly SparseBatch[] = []): tf.Tensor2D {
    let x = ids.vectors();
    for (const b of entities) x = tf.add(x, b.vectors()) as tf.Tensor2D;
    const feat = side === 'user' ? this.userFeat : this.itemFeat;
    const proj = side === 'user' ? this.userProj : this.itemProj;
    const mlp = side === 'user' ? this.userMlp : this.itemMlp;
    if (feat && proj) x = tf.add(x, tf.matMul(tf.gather(feat, tf.tensor1d(featureRows, 'int32')), proj)) as tf.Tensor2D;
    if (feat && mlp) x = tf.add(x, mlp.apply(tf.gather(feat, tf.tensor1d(featureRows, 'int32')), true)) as tf.Tensor2D;
    return l2Normalize(x);
  }

  /** Folds the batch-norm statistics of the last training step into the moving averages (no-op without MLPs). */
  commitStats(): void {
    this.userMlp?.commitStats();
    this.itemMlp?.commitStats();
  }

  /**
   * Inference-mode tower outputs of every user or item, computed with tfjs (batch-norm with moving
   * statistics, no dropout), in blocks of `block` rows. Used for validation scoring of MLP towers;
   * {@link towerVectors} computes the same in plain TS from {@link TwoTowerModel.weights}.
   *
   * @param side - `user` or `item`
   * @param block - rows per block (default 2048)
   * @returns float32 [rows · dim], rows of unit norm
   */
  inferenceVectors(side: TowerSide, block = 2048): Float32Array {
    const rows = side === 'user' ? this.nUsers : this.nItems;
    const emb = side === 'user' ? this.userEmb : this.itemEmb;
    const entities = side === 'user' ? this.userEntities : this.itemEntities;
    const embs = side === 'user' ? this.userEntityEmb : this.itemEntityEmb;
    const feat = side === 'user' ? this.userFeat : this.itemFeat;
    const proj = side === 'user' ? this.userProj : this.itemProj;
    const mlp = side === 'user' ? this.userMlp : this.itemMlp;
    const out = new Float32Array(rows * this.dim);
    for (let start = 0; start < rows; start += block) {
      const end = Math.min(rows, start + block);
      const t = tf.tidy(() => {
        const idx = tf.range(start, end, 1, 'int32') as tf.Tensor1D;
        let x = tf.gather(emb.table, idx) as tf.Tensor2D;
        entities.forEach((e, k) => {
          const ids = Int32Array.from(e.ids.subarray(start, end), (id) => entityRow(id, e.cardinality));
          x = tf.add(x, tf.gather(embs[k]!.table, tf.tensor1d(ids, 'int32')));
        });
        if (feat && proj) x = tf.add(x, tf.matMul(tf.gather(feat, idx), proj));
        if (feat && mlp) x = tf.add(x, mlp.apply(tf.gather(feat, idx), false));
        return l2Normalize(x);
      });
      out.set(t.dataSync(), start * this.dim);
      t.dispose();
    }
    return out;
  }

  /** True when a tower has a feature MLP. */
  hasMlp(): boolean {
    return this.userMlp !== null || this.itemMlp !== null;
  }

  /** Copies the weights out as typed arrays (for evaluation, checkpoints and artifacts), batch-norm moving statistics included. */
  weights(): TwoTowerWeights {
    const w: TwoTowerWeights = {
      userTable: this.userEmb.table.dataSync() as Float32Array,
      itemTable: this.itemEmb.table.dataSync() as Float32Array,
      userProj: this.userProj ? (this.userProj.dataSync() as Float32Array) : new Float32Array(0),
      itemProj: this.itemProj ? (this.itemProj.dataSync() as Float32Array) : new Float32Array(0),
    };
    if (this.userMlp) w.userMlp = [cloneMlp(this.userMlp.weights())];
    if (this.itemMlp) w.itemMlp = [cloneMlp(this.itemMlp.weights())];
    if (this.userEntityEmb.length > 0) w.userEntityTables = this.userEntityEmb.map((e) => e.table.dataSync() as Float32Array);
    if (this.itemEntityEmb.length > 0) w.itemEntityTables = this.itemEntityEmb.map((e) => e.table.dataSync() as Float32Array);
    return w;
  }

  /**
   * Restores weights copied by {@link TwoTowerModel.weights} (best-weights restore), batch-norm
   * moving statistics and entity tables included.
   *
   * @throws ModelsError `SHAPE_MISMATCH` when the weights are of another layout (e.g. an ensemble)
   */
  setWeights(w: TwoTowerWeights): void {
    const put = (v: tf.Variable | null, data: Float32Array): void => {
      if (!v) return;
      const t = tf.tensor(data, v.shape);
      v.assign(t);
      t.dispose();
    };
    for (const [layer, saved, side] of [
      [this.userMlp, w.userMlp, 'user'],
      [this.itemMlp, w.itemMlp, 'item'],
    ] as const) {
      if (layer && saved?.length !== 1) throw new ModelsError('SHAPE_MISMATCH', `TwoTowerModel.setWeights: the ${side} tower has one feature MLP, the weights hold ${saved?.length ?? 0} (an ensemble's weights cannot be set on one model).`, { context: { side } });
    }
    if (w.userTable.length !== this.userEmb.table.size || w.itemTable.length !== this.itemEmb.table.size) {
      throw new ModelsError('SHAPE_MISMATCH', `TwoTowerModel.setWeights: id tables of ${w.userTable.length} / ${w.itemTable.length} values, the model has ${this.userEmb.table.size} / ${this.itemEmb.table.size}.`);
    }
    put(this.userEmb.table, w.userTable);
    put(this.itemEmb.table, w.itemTable);
    put(this.userProj, w.userProj);
    put(this.itemProj, w.itemProj);
    const mlp = (layer: TowerMlpLayer | null, saved: TowerMlpWeights[] | undefined): void => {
      if (layer && saved?.[0]) layer.setWeights(saved[0]);
    };
    mlp(this.userMlp, w.userMlp);
    mlp(this.itemMlp, w.itemMlp);
    const entity = (embs: SparseEmbedding[], saved: Float32Array[] | undefined, side: TowerSide): void => {
      if (embs.length === 0) return;
      if (saved?.length !== embs.length) throw new ModelsError('SHAPE_MISMATCH', `TwoTowerModel.setWeights: the ${side} tower has ${embs.length} entity tables, the weights hold ${saved?.length ?? 0}.`, { context: { side } });
      embs.forEach((e, k) => put(e.table, saved[k]!));
    };
    entity(this.userEntityEmb, w.userEntityTables, 'user');
    entity(this.itemEntityEmb, w.itemEntityTables, 'item');
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.userEmb.dispose();
    this.itemEmb.dispose();
    for (const t of [this.userProj, this.itemProj, this.userFeat, this.itemFeat]) t?.dispose();
    this.userMlp?.dispose();
    this.itemMlp?.dispose();
    for (const e of [...this.userEntityEmb, ...this.itemEntityEmb]) e.dispose();
  }
}

/** Inputs of one tower side for {@link towerVectors} / {@link towerPreactivations}. */
export interface TowerInputs {
  /** float32 [n · featureCount] feature rows, or null when the side has no features. */
  features: Float32Array | null;
  /** int32 [n] per entity feature (order of the weights' entity tables); -1 = unknown. */
  entityIds?: readonly Int32Array[];
  /** int32 [n]: id-table row of each output row (default row r → r; the table's last row is "unknown"). */
  idRows?: Int32Array;
}

/**
 * Pre-normalisation tower outputs in plain TS: z = table[id] + Σ_e T_e[entity] + g(features), with
 * g the linear projection or, when the weights hold MLPs, each member's MLP (batch-norm with moving
 * statistics) written into its block of the width.
 *
 * @param weights - {@link TwoTowerWeights} (single model or concatenated members)
 * @param side - `user` or `item`
 * @param inputs - {@link TowerInputs}
 * @param n - rows to compute
 * @param dim - full width (members × member width)
 * @returns float32 [n · dim]
 * @throws ModelsError `INVALID_INPUT` when features are missing for an MLP, entity ids do not match
 *   the tables, or the MLP count does not divide the width
 * @example
 * ```ts
 * const z = towerPreactivations(w, 'item', { features: itemFeatures }, nItems, 64);
 * ```
 */
export function towerPreactivations(weights: TwoTowerWeights, side: TowerSide, inputs: TowerInputs, n: number, dim: number): Float32Array {
  const table = side === 'user' ? weights.userTable : weights.itemTable;
  const proj = side === 'user' ? weights.userProj : weights.itemProj;
  const mlps = (side === 'user' ? weights.userMlp : weights.itemMlp) ?? [];
  const tables = (side === 'user' ? weights.userEntityTables : weights.itemEntityTables) ?? [];
  const entityIds = inputs.entityIds ?? [];
  const { features, idRows } = inputs;
  if (entityIds.length !== tables.length) {
    throw new ModelsError('INVALID_INPUT', `towerVectors: the ${side} tower has ${tables.length} entity tables but ${entityIds.length} entity id columns were given.`, { context: { side } });
  }
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const row = idRows ? idRows[r]! : r;
    for (let d = 0; d < dim; d++) out[r * dim + d] = table[row * dim + d]!;
  }
  tables.forEach((t, e) => {
    const ids = entityIds[e]!;
    const card = t.length / dim - 1;
    if (ids.length !== n || !Number.isInteger(card)) throw new ModelsError('INVALID_INPUT', `towerVectors: ${side} entity ${e} has ${ids.length} ids for ${n} rows (table of ${t.length} values, width ${dim}).`, { context: { side, entity: e } });
    for (let r = 0; r < n; r++) {
      const p = entityRow(ids[r]!, card) * dim;
      for (let d = 0; d < dim; d++) out[r * dim + d]! += t[p + d]!;
    }
  });
  if (mlps.length > 0) {
    const width = dim / mlps.length;
    if (!features || !Number.isInteger(width)) {
      throw new ModelsError('INVALID_INPUT', `towerVectors: the ${side} tower has ${mlps.length} feature MLP(s) over width ${dim}; ${features ? 'the width is not a multiple of the MLP count' : 'pass its feature rows'}.`, { context: { side } });
    }
    mlps.forEach((mlp, m) => {
      const g = mlpForward(mlp, features, n);
      for (let r = 0; r < n; r++) for (let d = 0; d < width; d++) out[r * dim + m * width + d]! += g[r * width + d]!;
    });
  } else if (features && proj.length > 0) {
    const f = proj.length / dim;
    for (let r = 0; r < n; r++) {
      const o = r * dim;
      for (let c = 0; c < f; c++) {
        const x = features[r * f + c]!;
        if (x === 0) continue;
        const p = c * dim;
        for (let d = 0; d < dim; d++) out[o + d]! += x * proj[p + d]!;
      }
    }
  }
  return out;
}

/** Normalises each member block of every row in place to norm 1/√members. */
function normaliseBlocks(out: Float32Array, n: number, dim: number, members: number): Float32Array {
  if (!(Number.isInteger(members) && members >= 1 && dim % members === 0)) {
    throw new ModelsError('INVALID_INPUT', `towerVectors: width ${dim} is not a multiple of the ${members} ensemble members; check the artifacts' dim and members.`, { context: { dim, members } });
  }
  const width = dim / members;
  const scale = 1 / Math.sqrt(members);
  for (let r = 0; r < n; r++) {
    for (let m = 0; m < members; m++) {
      const b = r * dim + m * width;
      let s = 0;
      for (let d = 0; d < width; d++) s += out[b + d]! * out[b + d]!;
      const inv = scale / Math.sqrt(Math.max(s, 1e-12));
      for (let d = 0; d < width; d++) out[b + d]! *= inv;
    }
  }
  return out;
}

/**
 * Tower outputs in plain TS, normalised: the linear form normalise(table[id] + features·proj), or
 * the general form over {@link TwoTowerWeights} (entity tables, feature MLPs with batch-norm moving
 * statistics) — the same function the tfjs tower computes in inference mode.
 *
 * Linear form: `towerVectors(table, proj, features, n, dim, members?)`, with table float32
 * [(n + 1) · dim] (last row unknown), proj float32 [f · dim] (empty when no features), features
 * float32 [n · f] or null.
 * General form: `towerVectors(weights, side, inputs, n, dim, members?)` ({@link TowerInputs}).
 *
 * `members`: seed-ensemble members side by side along the width (default 1): each member's block
 * of dim / members values is normalised on its own and scaled by 1/√members, so a dot product of
 * two such rows is the mean of the members' cosines.
 *
 * @returns float32 [n · dim], each row of unit norm
 * @throws ModelsError `INVALID_INPUT` when dim is not a multiple of members (and see {@link towerPreactivations})
 * @example
 * ```ts
 * const items = towerVectors(w.itemTable, w.itemProj, null, nItems, 3 * 64, 3);
 * const users = towerVectors(w, 'user', { features: userFeatures }, nUsers, 64);
 * ```
 */
export function towerVectors(table: Float32Array, proj: Float32Array, features: Float32Array | null, n: number, dim: number, members?: number): Float32Array;
export function towerVectors(weights: TwoTowerWeights, side: TowerSide, inputs: TowerInputs, n: number, dim: number, members?: number): Float32Array;
export function towerVectors(a: Float32Array | TwoTowerWeights, b: Float32Array | TowerSide, c: Float32Array | null | TowerInputs, n: number, dim: number, members = 1): Float32Array {
  if (!(Number.isInteger(members) && members >= 1 && dim % members === 0)) {
    throw new ModelsError('INVALID_INPUT', `towerVectors: width ${dim} is not a multiple of the ${members} ensemble members; check the artifacts' dim and members.`, { context: { dim, members } });
  }
  if (a instanceof Float32Array) {
    const proj = b as Float32Array;
    const z = towerPreactivations({ userTable: a, itemTable: a, userProj: proj, itemProj: proj }, 'user', { features: c as Float32Array | null }, n, dim);
    return normaliseBlocks(z, n, dim, members);
  }
  const side = b as TowerSide;
  const mlps = side === 'user' ? a.userMlp : a.itemMlp;
  if (mlps && mlps.length !== members) {
    throw new ModelsError('INVALID_INPUT', `towerVectors: the ${side} tower holds ${mlps.length} member MLP(s) but members = ${members}; pass the artifacts' members.`, { context: { side, members } });
  }
  return normaliseBlocks(towerPreactivations(a, side, c as TowerInputs, n, dim), n, dim, members);
}

/**
 * Concatenates the weights of seed-ensemble members along the width: every id-table, entity-table
 * and projection row becomes [member 1 | member 2 | …], and feature MLPs are listed member by
 * member (each writes its own block). Because every part is added before the normalisation, the
 * concatenated pre-normalisation vector holds each member's vector as one block;
 * {@link towerVectors} with `members` normalises each block, so scores are the mean of the
 * members' scores — for linear and MLP towers alike.
 *
 * @param members - weights of the members, all of width `dim` and the same shapes
 * @param dim - width of one member
 * @returns {@link TwoTowerWeights} of width members.length · dim
 * @throws ModelsError `INVALID_INPUT` when there are no members or their shapes differ
 * @example
 * ```ts
 * const w = concatMemberWeights([fitA.weights, fitB.weights], 512); // width 1024, members 2
 * ```
 */
export function concatMemberWeights(members: readonly TwoTowerWeights[], dim: number): TwoTowerWeights {
  const first = members[0];
  if (!first) throw new ModelsError('INVALID_INPUT', 'concatMemberWeights: no members given.');
  const M = members.length;
  const cat = (key: string, get: (w: TwoTowerWeights) => Float32Array): Float32Array => {
    const a0 = get(first);
    const rows = a0.length / dim;
    const out = new Float32Array(rows * dim * M);
    members.forEach((w, m) => {
      const a = get(w);
      if (a.length !== a0.length) throw new ModelsError('INVALID_INPUT', `concatMemberWeights: member ${m} has ${a.length} values in ${key}, member 0 has ${a0.length}; members must share data and width.`, { context: { member: m, weight: key } });
      for (let r = 0; r < rows; r++) out.set(a.subarray(r * dim, (r + 1) * dim), r * dim * M + m * dim);
    });
    return out;
  };
  const out: TwoTowerWeights = { userTable: cat('userTable', (w) => w.userTable), itemTable: cat('itemTable', (w) => w.itemTable), userProj: cat('userProj', (w) => w.userProj), itemProj: cat('itemProj', (w) => w.itemProj) };
  const same = (key: string, count: (w: TwoTowerWeights) => number): number => {
    const n0 = count(first);
    members.forEach((w, m) => {
      if (count(w) !== n0) throw new ModelsError('INVALID_INPUT', `concatMemberWeights: member ${m} has ${count(w)} ${key}, member 0 has ${n0}; members must share their architecture.`, { context: { member: m, weight: key } });
    });
    return n0;
  };
  for (const side of ['user', 'item'] as const) {
    const mlpKey = side === 'user' ? 'userMlp' : 'itemMlp';
    const entKey = side === 'user' ? 'userEntityTables' : 'itemEntityTables';
    if (same(mlpKey, (w) => w[mlpKey]?.length ?? 0) > 0) out[mlpKey] = members.flatMap((w) => w[mlpKey]!);
    const tables = same(entKey, (w) => w[entKey]?.length ?? 0);
    if (tables > 0) out[entKey] = Array.from({ length: tables }, (_, e) => cat(`${entKey}[${e}]`, (w) => w[entKey]![e]!));
  }
  return out;
}
