import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { ModelsError } from '../../errors';
import { checkPairs, writeCompatibility, type CompatibilityState } from './compatibility-features';
import type { RankingConfig } from './ranking.config';

/** Tower outputs the head reads (e.g. from `towerVectors` of a trained retrieval model). */
export interface TowerVectors {
  /** Width of one vector. */
  dim: number;
  /** float32 [nUsers · dim] */
  userVectors: Float32Array;
  /** float32 [nItems · dim] */
  itemVectors: Float32Array;
}

/** One dense layer: y = x·W + b with W row-major [inSize, outSize]. */
export interface DenseLayer {
  inSize: number;
  outSize: number;
  /** float32 [inSize · outSize] */
  weights: Float32Array;
  /** float32 [outSize] */
  bias: Float32Array;
}

/** The trained head: input standardisation and dense layers (ReLU between, none after the last). */
export interface RankingHead {
  /** Input column names (`u[0]`…, `v[0]`…, `uv[0]`…, `dot`, compatibility names). */
  inputNames: readonly string[];
  /** float32 [inputs] train means and standard deviations of the input columns. */
  mean: Float32Array;
  std: Float32Array;
  /** Hidden layers then the output layer (outSize 1, a logit). */
  layers: DenseLayer[];
}

/** Everything scoring needs: config, head, tower vectors and the fitted compatibility state. */
export interface Ranker {
  config: RankingConfig;
  head: RankingHead;
  towers: TowerVectors;
  /** Fitted on train; null when the head uses no compatibility features. */
  compatibility: CompatibilityState | null;
  nUsers: number;
  nItems: number;
}

/** Which blocks make up the head's input. */
export type InputSpec = Pick<RankingConfig, 'useTowerVectors' | 'useProduct' | 'useDot' | 'useCompatibility'> & {
  towers: TowerVectors;
  compatibility: CompatibilityState | null;
};

/**
 * Input column names of the head for a spec, in concatenation order.
 *
 * @param spec - {@link InputSpec}
 * @returns names; throws when no block is switched on
 * @throws ModelsError `INVALID_CONFIG` when the spec selects no input at all
 */
export function rankingInputNames(spec: InputSpec): string[] {
  const d = spec.towers.dim;
  const names: string[] = [];
  if (spec.useTowerVectors) {
    for (let k = 0; k < d; k++) names.push(`u[${k}]`);
    for (let k = 0; k < d; k++) names.push(`v[${k}]`);
  }
  if (spec.useProduct) for (let k = 0; k < d; k++) names.push(`uv[${k}]`);
  if (spec.useDot) names.push('dot');
  if (spec.useCompatibility && spec.compatibility) names.push(...spec.compatibility.names);
  if (names.length === 0) throw new ModelsError('INVALID_CONFIG', 'ranking head: no input selected; switch on useTowerVectors, useProduct, useDot or useCompatibility (with a fitted compatibility state).');
  return names;
}

/**
 * Raw (unstandardised) head inputs of (user, item) pairs: [u | v | u⊙v | u·v | compatibility].
 *
 * @param spec - {@link InputSpec}
 * @param users - int32 [pairs]
 * @param items - int32 [pairs]
 * @param from - first pair (default 0)
 * @param to - end pair, exclusive (default users.length)
 * @returns float32 [(to − from) · inputs] row-major
 */
export function buildRankingInputs(spec: InputSpec, users: Int32Array, items: Int32Array, from = 0, to = users.length): Float32Array {
  const d = spec.towers.dim;
  const U = spec.towers.userVectors;
  const V = spec.towers.itemVectors;
  const compat = spec.useCompatibility ? spec.compatibility : null;
  const F = (spec.useTowerVectors ? 2 * d : 0) + (spec.useProduct ? d : 0) + (spec.useDot ? 1 : 0) + (compat ? compat.names.length : 0);
  const out = new Float32Array((to - from) * F);
  for (let k = from; k < to; k++) {
    const u = users[k]!;
    const i = items[k]!;
    let o = (k - from) * F;
    const uo = u * d;
    const io = i * d;
    if (spec.useTowerVectors) {
      for (let c = 0; c < d; c++) out[o + c] = U[uo + c]!;
      o += d;
      for (let c = 0; c < d; c++) out[o + c] = V[io + c]!;
      o += d;
    }
    if (spec.useProduct) {
      for (let c = 0; c < d; c++) out[o + c] = U[uo + c]! * V[io + c]!;
      o += d;
    }
    if (spec.useDot) {
      let s = 0;
      for (let c = 0; c < d; c++) s += U[uo + c]! * V[io + c]!;
      out[o++] = s;
    }
    if (compat) writeCompatibility(compat, u, i, out, o);
  }
  return out;
}

/**
 * Standardises rows in place: x ← (x − mean) / std per column.
 *
 * @param x - float32 [rows · F]
 * @param mean - float32 [F]
 * @param std - float32 [F] (> 0)
 */
export function standardizeInPlace(x: Float32Array, mean: Float32Array, std: Float32Array): void {
  const F = mean.length;
  for (let r = 0; r < x.length; r += F) for (let c = 0; c < F; c++) x[r + c] = (x[r + c]! - mean[c]!) / std[c]!;
}

/**
 * Logits of the head in plain TypeScript (no tensors): dense + ReLU layers, then dense(1).
 *
 * @param layers - {@link DenseLayer}s, the last of width 1
 * @param x - float32 [rows · layers[0].inSize], standardised
 * @returns float32 [rows] logits
 */
export function headLogits(layers: readonly DenseLayer[], x: Float32Array): Float32Array {
  const first = layers[0]!;
  const rows = x.length / first.inSize;
  let cur = x;
  for (let l = 0; l < layers.length; l++) {
    const { inSize, outSize, weights, bias } = layers[l]!;
    const next = new Float32Array(rows * outSize);
    const relu = l < layers.length - 1;
    for (let r = 0; r < rows; r++) {
      const xo = r * inSize;
      const yo = r * outSize;
      for (let j = 0; j < outSize; j++) next[yo + j] = bias[j]!;
      for (let c = 0; c < inSize; c++) {
        const xv = cur[xo + c]!;
        if (xv === 0) continue;
        const wo = c * outSize;
        for (let j = 0; j < outSize; j++) next[yo + j]! += xv * weights[wo + j]!;
      }
      if (relu) for (let j = 0; j < outSize; j++) if (next[yo + j]! < 0) next[yo + j] = 0;
    }
    cur = next;
  }
  return cur;
}

/**
 * Checks tower vectors against the vocabulary sizes.
 *
 * @throws ModelsError `SHAPE_MISMATCH` naming the array and both sizes
 */
export function checkTowers(towers: TowerVectors, nUsers: number, nItems: number, where: string): void {
  const d = towers.dim;
  if (!(Number.isInteger(d) && d > 0)) throw new ModelsError('SHAPE_MISMATCH', `${where}: towers.dim must be a positive integer, got ${d}.`, { context: { dim: d } });
  if (towers.userVectors.length !== nUsers * d) {
    throw new ModelsError('SHAPE_MISMATCH', `${where}: towers.userVectors holds ${towers.userVectors.length} values, expected nUsers × dim = ${nUsers} × ${d} = ${nUsers * d}.`, { context: { array: 'userVectors', got: towers.userVectors.length, expected: nUsers * d } });
  }
  if (towers.itemVectors.length !== nItems * d) {
    throw new ModelsError('SHAPE_MISMATCH', `${where}: towers.itemVectors holds ${towers.itemVectors.length} values, expected nItems × dim = ${nItems} × ${d} = ${nItems * d}.`, { context: { array: 'itemVectors', got: towers.itemVectors.length, expected: nItems * d } });
  }
}

/**
 * Scores (user, item) pairs with a trained ranker, in plain TypeScript: the head's logit
 * (higher = more likely played; sigmoid of it is the probability).
 *
 * @param ranker - {@link Ranker} (a fit or a loaded artifact)
 * @param users - int32 [pairs] user indices
 * @param items - int32 [pairs] item indices
 * @returns float32 [pairs] logits
 * @throws ModelsError `SHAPE_MISMATCH` when users and items differ in length; `INVALID_INPUT` for an index out of range
 * @example
 * ```ts
 * const logits = scorePairs(fit, Int32Array.of(0, 0), Int32Array.of(5, 9));
 * ```
 */
export function scorePairs(ranker: Ranker, users: Int32Array, items: Int32Array): Float32Array {
  if (users.length !== items.length) throw new ModelsError('SHAPE_MISMATCH', `scorePairs: users has ${users.length} entries but items has ${items.length}.`, { context: { users: users.length, items: items.length } });
  checkPairs(ranker, users, items, 'scorePairs');
  const spec: InputSpec = { ...ranker.config, towers: ranker.towers, compatibility: ranker.compatibility };
  const out = new Float32Array(users.length);
  const block = 2048;
  for (let from = 0; from < users.length; from += block) {
    const to = Math.min(users.length, from + block);
    const x = buildRankingInputs(spec, users, items, from, to);
    standardizeInPlace(x, ranker.head.mean, ranker.head.std);
    out.set(headLogits(ranker.head.layers, x), from);
  }
  return out;
}

/**
 * Re-ranks one user's retrieval candidates by the head's score (ties keep the candidate order).
 *
 * @param ranker - {@link Ranker}
 * @param user - user index
 * @param candidates - int32 [n] item indices (e.g. the retrieval top-N)
 * @returns int32 [n] the candidates, best first
 * @throws ModelsError `INVALID_INPUT` for an index out of range
 * @example
 * ```ts
 * const order = rerank(fit, 3, Int32Array.of(10, 4, 7)); // e.g. [7, 10, 4]
 * ```
 */
export function rerank(ranker: Ranker, user: number, candidates: Int32Array): Int32Array {
  const s = scorePairs(ranker, new Int32Array(candidates.length).fill(user), candidates);
  const order = Array.from(candidates, (_, k) => k).sort((a, b) => s[b]! - s[a]! || a - b);
  return Int32Array.from(order, (k) => candidates[k]!);
}

/**
 * The head as tfjs variables, for training only (inference is {@link headLogits}). He-uniform
 * initialisation from a seeded {@link Rng}; dropout masks come from the caller (seeded), so a
 * fit is reproducible on any backend.
 */
export class RankingHeadModel {
  readonly vars: { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1> }[] = [];

  /**
   * @param inSize - input width
   * @param hidden - hidden widths
   * @param seed - initialiser seed
   */
  constructor(inSize: number, hidden: readonly number[], seed: number) {
    const rng = new Rng(seed);
    const sizes = [inSize, ...hidden, 1];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const a = sizes[l]!;
      const b = sizes[l + 1]!;
      const limit = Math.sqrt(6 / a);
      const w = Float32Array.from({ length: a * b }, () => rng.uniform(-limit, limit));
      // inside tidy: the initial-value tensors are freed, the variables kept
      this.vars.push(tf.tidy(() => ({ w: tf.variable(tf.tensor2d(w, [a, b]), true), b: tf.variable(tf.zeros([b]), true) })));
    }
  }

  /** Trainable variables. */
  variables(): tf.Variable[] {
    return this.vars.flatMap((v) => [v.w, v.b]);
  }

  /**
   * Logits of a batch; call inside a tidy / loss closure.
   *
   * @param x - float32 [batch, inSize] standardised inputs
   * @param masks - optional dropout masks, one float32 [batch, hidden_l] per hidden layer (0 or 1/(1 − rate))
   * @returns float32 [batch]
   */
  logits(x: tf.Tensor2D, masks?: readonly tf.Tensor2D[]): tf.Tensor1D {
    let h: tf.Tensor2D = x;
    this.vars.forEach((v, l) => {
      h = tf.add(tf.matMul(h, v.w), v.b);
      if (l < this.vars.length - 1) {
        h = tf.relu(h);
        const m = masks?.[l];
        if (m) h = tf.mul(h, m);
      }
    });
    return tf.reshape(h, [-1]);
  }

  /** Copies the weights out as {@link DenseLayer}s. */
  layers(): DenseLayer[] {
    return this.vars.map((v) => ({ inSize: v.w.shape[0], outSize: v.w.shape[1], weights: v.w.dataSync().slice() as Float32Array, bias: v.b.dataSync().slice() as Float32Array }));
  }

  /** Restores weights copied by {@link RankingHeadModel.layers} (best-weights restore). */
  setLayers(layers: readonly DenseLayer[]): void {
    this.vars.forEach((v, l) => {
      const src = layers[l]!;
      const w = tf.tensor2d(src.weights, [src.inSize, src.outSize]);
      const b = tf.tensor1d(src.bias);
      v.w.assign(w);
      v.b.assign(b);
      tf.dispose([w, b]);
    });
  }

  /** Frees the variables. */
  dispose(): void {
    for (const v of this.vars) tf.dispose([v.w, v.b]);
  }
}
