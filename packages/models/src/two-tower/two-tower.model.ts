import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { l2Normalize, SparseEmbedding, type SparseBatch } from '@tunekit/runtime';
import { ModelsError } from '../errors';
import type { TwoTowerConfig } from './two-tower.config';
import type { FeatureMatrix } from './feature-matrix';

/** Sizes and side features a {@link TwoTowerModel} is built for. */
export interface TwoTowerShape {
  nUsers: number;
  nItems: number;
  /** Optional user side features, rows aligned with user indices. */
  userFeatures?: FeatureMatrix;
  /** Optional item side features (tags, genre, year, audio...), rows aligned with item indices. */
  itemFeatures?: FeatureMatrix;
}

/** Plain typed-array weights of a two-tower model (what artifacts and inference hold). */
export interface TwoTowerWeights {
  /** float32 [(nUsers + 1) · dim]; the last row is the shared "unknown user" vector. */
  userTable: Float32Array;
  /** float32 [(nItems + 1) · dim]; the last row is the shared "unknown item" vector. */
  itemTable: Float32Array;
  /** float32 [userFeatureCount · dim] or empty. */
  userProj: Float32Array;
  /** float32 [itemFeatureCount · dim] or empty. */
  itemProj: Float32Array;
}

/**
 * Two towers over ids and side features: tower(x) = normalise(E[id] + f(x)·W), a sparse id
 * embedding plus a linear projection of the feature vector, L2-normalised so u·v is a cosine.
 * The linear form keeps every feature's share of a score exact (see explanations). Ids outside
 * the training vocabulary use the last ("unknown") row, trained through id dropout.
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

  /**
   * @param shape - sizes and side features
   * @param config - hyper-parameters (dim, initScale, embeddingLearningRate, seed)
   * @throws ModelsError `INVALID_INPUT` when a feature matrix does not have one row per id
   */
  constructor(shape: TwoTowerShape, config: Pick<TwoTowerConfig, 'dim' | 'initScale' | 'embeddingLearningRate' | 'seed'>) {
    this.dim = config.dim;
    this.nUsers = shape.nUsers;
    this.nItems = shape.nItems;
    const opt = { kind: 'adam' as const, learningRate: config.embeddingLearningRate };
    this.userEmb = new SparseEmbedding({ numRows: shape.nUsers + 1, dim: config.dim, seed: config.seed, initScale: config.initScale, optimizer: opt });
    this.itemEmb = new SparseEmbedding({ numRows: shape.nItems + 1, dim: config.dim, seed: config.seed + 1, initScale: config.initScale, optimizer: opt });
    const rng = new Rng(config.seed + 2);
    const proj = (f: FeatureMatrix | undefined, rows: number, what: string): [tf.Tensor2D | null, tf.Variable<tf.Rank.R2> | null] => {
      if (!f || f.names.length === 0) return [null, null];
      const w = f.names.length;
      if (f.values.length !== rows * w) {
        throw new ModelsError('INVALID_INPUT', `TwoTowerModel: ${what} features hold ${f.values.length} values, expected ${rows} rows × ${w} columns.`, { context: { what, rows, columns: w } });
      }
      const limit = Math.sqrt(6 / (w + config.dim)) * 0.1;
      const init = new Float32Array(w * config.dim);
      for (let k = 0; k < init.length; k++) init[k] = rng.uniform(-limit, limit);
      return [tf.tensor2d(f.values, [rows, w]), tf.variable(tf.tensor2d(init, [w, config.dim]), true)];
    };
    [this.userFeat, this.userProj] = proj(shape.userFeatures, shape.nUsers, 'user');
    [this.itemFeat, this.itemProj] = proj(shape.itemFeatures, shape.nItems, 'item');
  }

  /** Dense trainable variables (the projections). */
  denseVariables(): tf.Variable[] {
    return [this.userProj, this.itemProj].filter((v): v is tf.Variable<tf.Rank.R2> => v !== null);
  }

  /**
   * One tower's normalised output for a training batch; call inside the loss closure.
   *
   * @param side - `user` or `item`
   * @param ids - the sparse batch of (possibly dropped-out) id rows
   * @param featureRows - int32 [batch] rows of the feature matrix (the true ids)
   * @returns float32 [batch, dim]
   */
  tower(side: 'user' | 'item', ids: SparseBatch, featureRows: Int32Array): tf.Tensor2D {
    let x = ids.vectors();
    const feat = side === 'user' ? this.userFeat : this.itemFeat;
    const proj = side === 'user' ? this.userProj : this.itemProj;
    if (feat && proj) x = tf.add(x, tf.matMul(tf.gather(feat, tf.tensor1d(featureRows, 'int32')), proj)) as tf.Tensor2D;
    return l2Normalize(x);
  }

  /** Copies the weights out as typed arrays (for evaluation, checkpoints and artifacts). */
  weights(): TwoTowerWeights {
    return {
      userTable: this.userEmb.table.dataSync() as Float32Array,
      itemTable: this.itemEmb.table.dataSync() as Float32Array,
      userProj: this.userProj ? (this.userProj.dataSync() as Float32Array) : new Float32Array(0),
      itemProj: this.itemProj ? (this.itemProj.dataSync() as Float32Array) : new Float32Array(0),
    };
  }

  /** Restores weights copied by {@link TwoTowerModel.weights} (best-weights restore). */
  setWeights(w: TwoTowerWeights): void {
    const put = (v: tf.Variable | null, data: Float32Array): void => {
      if (!v) return;
      const t = tf.tensor(data, v.shape);
      v.assign(t);
      t.dispose();
    };
    put(this.userEmb.table, w.userTable);
    put(this.itemEmb.table, w.itemTable);
    put(this.userProj, w.userProj);
    put(this.itemProj, w.itemProj);
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.userEmb.dispose();
    this.itemEmb.dispose();
    for (const t of [this.userProj, this.itemProj, this.userFeat, this.itemFeat]) t?.dispose();
  }
}

/**
 * Tower outputs in plain TS: normalise(table[id] + features·proj) for every row.
 *
 * @param table - float32 [(n + 1) · dim] id table (last row unknown)
 * @param proj - float32 [f · dim] projection (empty when no features)
 * @param features - float32 [n · f] or null
 * @param n - rows to compute
 * @param dim - width (for an ensemble: members × member width, members side by side)
 * @param members - seed-ensemble members concatenated along the width (default 1): each member's
 *   block of dim / members values is normalised on its own and scaled by 1/√members, so a dot
 *   product of two such rows is the mean of the members' cosines
 * @returns float32 [n · dim], each row of unit norm
 * @throws ModelsError `INVALID_INPUT` when dim is not a multiple of members
 * @example
 * ```ts
 * const items = towerVectors(w.itemTable, w.itemProj, null, nItems, 3 * 64, 3);
 * ```
 */
export function towerVectors(table: Float32Array, proj: Float32Array, features: Float32Array | null, n: number, dim: number, members = 1): Float32Array {
  if (!(Number.isInteger(members) && members >= 1 && dim % members === 0)) {
    throw new ModelsError('INVALID_INPUT', `towerVectors: width ${dim} is not a multiple of the ${members} ensemble members; check the artifacts' dim and members.`, { context: { dim, members } });
  }
  const width = dim / members;
  const scale = 1 / Math.sqrt(members);
  const out = new Float32Array(n * dim);
  const f = proj.length / dim;
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    for (let d = 0; d < dim; d++) out[o + d] = table[o + d]!;
    if (features && f > 0) {
      for (let c = 0; c < f; c++) {
        const x = features[r * f + c]!;
        if (x === 0) continue;
        const p = c * dim;
        for (let d = 0; d < dim; d++) out[o + d]! += x * proj[p + d]!;
      }
    }
    for (let m = 0; m < members; m++) {
      const b = o + m * width;
      let s = 0;
      for (let d = 0; d < width; d++) s += out[b + d]! * out[b + d]!;
      const inv = scale / Math.sqrt(Math.max(s, 1e-12));
      for (let d = 0; d < width; d++) out[b + d]! *= inv;
    }
  }
  return out;
}

/**
 * Concatenates the weights of seed-ensemble members along the width: every table row and every
 * projection row becomes [member 1 | member 2 | …]. Because the towers are linear before the
 * normalisation, the concatenated pre-normalisation vector holds each member's vector as one
 * block; {@link towerVectors} with `members` normalises each block, so scores are the mean of
 * the members' scores.
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
  const cat = (key: keyof TwoTowerWeights): Float32Array => {
    const rows = first[key].length / dim;
    const out = new Float32Array(rows * dim * M);
    members.forEach((w, m) => {
      const a = w[key];
      if (a.length !== first[key].length) throw new ModelsError('INVALID_INPUT', `concatMemberWeights: member ${m} has ${a.length} values in ${key}, member 0 has ${first[key].length}; members must share data and width.`, { context: { member: m, weight: key } });
      for (let r = 0; r < rows; r++) out.set(a.subarray(r * dim, (r + 1) * dim), r * dim * M + m * dim);
    });
    return out;
  };
  return { userTable: cat('userTable'), itemTable: cat('itemTable'), userProj: cat('userProj'), itemProj: cat('itemProj') };
}
