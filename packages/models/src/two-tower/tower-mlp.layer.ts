import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { batchNormTraining, type BatchStats } from '@tunekit/runtime';
import { ModelsError } from '../errors';
import type { DenseLayerWeights, TowerMlpWeights } from './tower-mlp';

/** Options of {@link TowerMlpLayer}. */
export interface TowerMlpOptions {
  /** Input width (feature columns). */
  inputs: number;
  /** Hidden widths (at least one). */
  hidden: readonly number[];
  /** Output width (the tower dim). */
  outputs: number;
  batchNorm: boolean;
  /** Keras-style momentum of the moving statistics. */
  momentum: number;
  /** Dropout rate after each hidden layer (0 = none). */
  dropout: number;
  /** Seed of the initialisers and dropout masks. */
  seed: number;
  /** Variance floor of batch-norm (default 1e-3, Keras). */
  epsilon?: number;
  /** Scale of the output layer's Glorot initialiser (default 0.01: features start small next to the id embeddings). */
  outputInitScale?: number;
}

interface HiddenLayer {
  inputs: number;
  units: number;
  kernel: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1> | null;
  gamma: tf.Variable<tf.Rank.R1> | null;
  beta: tf.Variable<tf.Rank.R1> | null;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  stats: BatchStats;
  fresh: boolean;
}

/** A variable holding `t` (which is disposed: tf.variable copies the reference, not ownership). */
function own<R extends tf.Rank>(t: tf.Tensor<R>): tf.Variable<R> {
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

function glorot(rng: Rng, inputs: number, units: number, scale: number): Float32Array {
  const limit = Math.sqrt(6 / (inputs + units)) * scale;
  const w = new Float32Array(inputs * units);
  for (let k = 0; k < w.length; k++) w[k] = rng.uniform(-limit, limit);
  return w;
}

/**
 * The feature MLP of a tower in tfjs: [Dense → BatchNorm → ReLU (→ dropout)]* → Dense(outputs).
 * Training mode normalises with batch statistics (runtime `batchNormTraining`, gradients flow
 * through it) and records them; {@link TowerMlpLayer.commitStats} folds them into the moving
 * averages after the optimiser step. Inference mode uses the moving statistics. Dense layers
 * followed by batch-norm have no bias (β replaces it). Dropout masks come from a seeded {@link Rng}.
 * The output layer computes (h·W)/width + b (μP-style output multiplier): Adam moves every kernel
 * entry by ≈ lr per step whatever its gradient's scale, so without the 1/width factor the output
 * would move by ≈ lr · width · E|h| per step (≈ 1 for width 512 of batch-normalised ReLUs) and
 * swamp the id embeddings within an epoch (Last.fm: ‖g(f)‖ ≈ 17 vs ‖E[i]‖ ≈ 0.8 after one epoch).
 * The initialiser is scaled up by width, so the initial output is unchanged.
 */
export class TowerMlpLayer {
  readonly inputs: number;
  readonly outputs: number;
  private readonly layers: HiddenLayer[];
  private readonly outKernel: tf.Variable<tf.Rank.R2>;
  private readonly outBias: tf.Variable<tf.Rank.R1>;
  /** Output multiplier 1/width (float32), see the class note. */
  private readonly outScale: number;
  private readonly momentum: number;
  private readonly dropout: number;
  private readonly epsilon: number;
  private readonly rng: Rng;

  /**
   * @param options - {@link TowerMlpOptions}
   * @throws ModelsError `INVALID_CONFIG` when there is no hidden layer or a size is not a positive integer
   */
  constructor(options: TowerMlpOptions) {
    const sizes = [options.inputs, ...options.hidden, options.outputs];
    if (options.hidden.length === 0 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
      throw new ModelsError('INVALID_CONFIG', `TowerMlpLayer: needs ≥ 1 hidden layer and positive integer sizes, got inputs ${options.inputs}, hidden [${options.hidden.join(', ')}], outputs ${options.outputs}.`, { context: { key: 'hidden' } });
    }
    this.inputs = options.inputs;
    this.outputs = options.outputs;
    this.momentum = options.momentum;
    this.dropout = options.dropout;
    // float32, as the kernels use it (and as artifacts store it)
    this.epsilon = Math.fround(options.epsilon ?? 1e-3);
    const init = new Rng(options.seed);
    this.rng = new Rng(options.seed + 7919);
    let width = options.inputs;
    this.layers = options.hidden.map((units) => {
      const inputs = width;
      width = units;
      const bn = options.batchNorm;
      return {
        inputs,
        units,
        kernel: own(tf.tensor2d(glorot(init, inputs, units, 1), [inputs, units])),
        bias: bn ? null : own(tf.zeros([units]) as tf.Tensor1D),
        gamma: bn ? own(tf.ones([units]) as tf.Tensor1D) : null,
        beta: bn ? own(tf.zeros([units]) as tf.Tensor1D) : null,
        movingMean: new Float32Array(units),
        movingVariance: new Float32Array(units).fill(1),
        stats: { mean: new Float32Array(units), variance: new Float32Array(units) },
        fresh: false,
      };
    });
    this.outScale = Math.fround(1 / width);
    this.outKernel = own(tf.tensor2d(glorot(init, width, options.outputs, (options.outputInitScale ?? 0.01) / this.outScale), [width, options.outputs]));
    this.outBias = own(tf.zeros([options.outputs]) as tf.Tensor1D);
  }

  /** Trainable variables (kernels, biases, γ, β). */
  variables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const l of this.layers) for (const v of [l.kernel, l.bias, l.gamma, l.beta]) if (v) out.push(v);
    out.push(this.outKernel, this.outBias);
    return out;
  }

  /**
   * Forward pass; the caller tidies.
   *
   * @param x - float32 [batch, inputs]
   * @param training - batch statistics (recorded for {@link TowerMlpLayer.commitStats}) and dropout when true; moving statistics otherwise
   * @returns float32 [batch, outputs]
   */
  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    let h = x;
    for (const l of this.layers) {
      h = tf.matMul(h, l.kernel);
      if (l.bias) h = tf.add(h, l.bias);
      if (l.gamma && l.beta) {
        if (training) {
          h = batchNormTraining(h, l.gamma, l.beta, this.epsilon, l.stats);
          l.fresh = true;
        } else {
          const scale = new Float32Array(l.units);
          const shift = new Float32Array(l.units);
          const g = l.gamma.dataSync();
          const b = l.beta.dataSync();
          for (let j = 0; j < l.units; j++) {
            scale[j] = g[j]! / Math.sqrt(l.movingVariance[j]! + this.epsilon);
            shift[j] = b[j]! - l.movingMean[j]! * scale[j]!;
          }
          h = tf.add(tf.mul(h, tf.tensor1d(scale)), tf.tensor1d(shift));
        }
      }
      h = tf.relu(h);
      if (training && this.dropout > 0) {
        const [rows] = h.shape;
        const keep = 1 / (1 - this.dropout);
        const mask = new Float32Array(rows * l.units);
        for (let k = 0; k < mask.length; k++) mask[k] = this.rng.next() < this.dropout ? 0 : keep;
        h = tf.mul(h, tf.tensor2d(mask, [rows, l.units]));
      }
    }
    return tf.add(tf.mul(tf.matMul(h, this.outKernel), this.outScale), this.outBias);
  }

  /** Folds the batch statistics recorded by the last training-mode {@link TowerMlpLayer.apply} into the moving averages. */
  commitStats(): void {
    const m = this.momentum;
    for (const l of this.layers) {
      if (!l.fresh) continue;
      for (let j = 0; j < l.units; j++) {
        l.movingMean[j] = m * l.movingMean[j]! + (1 - m) * l.stats.mean[j]!;
        l.movingVariance[j] = m * l.movingVariance[j]! + (1 - m) * l.stats.variance[j]!;
      }
      l.fresh = false;
    }
  }

  /** Copies the weights and moving statistics out as typed arrays. */
  weights(): TowerMlpWeights {
    const hidden: DenseLayerWeights[] = this.layers.map((l) => ({
      inputs: l.inputs,
      units: l.units,
      kernel: l.kernel.dataSync() as Float32Array,
      bias: l.bias ? (l.bias.dataSync() as Float32Array) : new Float32Array(0),
      ...(l.gamma && l.beta
        ? { batchNorm: { gamma: l.gamma.dataSync() as Float32Array, beta: l.beta.dataSync() as Float32Array, movingMean: l.movingMean.slice(), movingVariance: l.movingVariance.slice(), epsilon: this.epsilon } }
        : {}),
    }));
    const [w] = this.outKernel.shape;
    return { hidden, output: { inputs: w, units: this.outputs, kernel: this.outKernel.dataSync() as Float32Array, bias: this.outBias.dataSync() as Float32Array, scale: this.outScale } };
  }

  /**
   * Restores weights and moving statistics copied by {@link TowerMlpLayer.weights}.
   *
   * @throws ModelsError `SHAPE_MISMATCH` when the layout differs
   */
  setWeights(w: TowerMlpWeights): void {
    if (w.hidden.length !== this.layers.length || w.output.units !== this.outputs) {
      throw new ModelsError('SHAPE_MISMATCH', `TowerMlpLayer.setWeights: got ${w.hidden.length} hidden layers → ${w.output.units}, the layer has ${this.layers.length} → ${this.outputs}.`);
    }
    const put = (v: tf.Variable | null, data: Float32Array): void => {
      if (!v) return;
      if (data.length !== v.size) throw new ModelsError('SHAPE_MISMATCH', `TowerMlpLayer.setWeights: ${v.name} has ${v.size} values, got ${data.length}.`);
      const t = tf.tensor(data, v.shape);
      v.assign(t);
      t.dispose();
    };
    this.layers.forEach((l, k) => {
      const s = w.hidden[k]!;
      put(l.kernel, s.kernel);
      put(l.bias, s.bias);
      if (l.gamma && s.batchNorm) {
        put(l.gamma, s.batchNorm.gamma);
        put(l.beta, s.batchNorm.beta);
        l.movingMean.set(s.batchNorm.movingMean);
        l.movingVariance.set(s.batchNorm.movingVariance);
      }
    });
    put(this.outKernel, w.output.kernel);
    put(this.outBias, w.output.bias);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
