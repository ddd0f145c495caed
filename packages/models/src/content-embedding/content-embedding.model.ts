import * as tf from '@tensorflow/tfjs';
import { l2Normalize, saveModel } from '@tunekit/runtime';
import { ModelsError } from '../errors';
import type { ContentEmbeddingConfig } from './content-embedding.config';

/** The architecture part of the config. */
export type ContentEmbeddingArchitecture = Pick<ContentEmbeddingConfig, 'hiddenLayers' | 'embeddingSize' | 'dropoutRate' | 'seed'>;

/**
 * The siamese tower: dense ReLU layers (each followed by dropout while training, a fresh seeded
 * mask per call) → a linear embedding layer → L2 normalisation. Both members of a pair go through the same weights. Layer names are fixed
 * (`hidden_0`, `hidden_1`, …, `embedding`) so saved weights are stable across processes.
 *
 * @example
 * ```ts
 * const model = new ContentEmbeddingModel(11, { hiddenLayers: [128, 64], embeddingSize: 64, dropoutRate: 0.2, seed: 1 });
 * const unit = model.embed(standardisedFeatures); // float32 [rows, 64], unit rows
 * model.dispose();
 * ```
 */
export class ContentEmbeddingModel {
  /** The underlying tfjs model (output not normalised; {@link embedTensor} normalises). */
  readonly layers: tf.Sequential;
  private dropoutCalls = 0;

  /**
   * @param inputDim - number of (standardised) input features
   * @param arch - layer widths, dropout and the initialiser seed
   * @throws ModelsError `INVALID_CONFIG` for a non-positive input width
   */
  constructor(
    readonly inputDim: number,
    readonly arch: ContentEmbeddingArchitecture,
  ) {
    if (!Number.isInteger(inputDim) || inputDim <= 0) throw new ModelsError('INVALID_CONFIG', `ContentEmbeddingModel: input width must be a positive integer, got ${inputDim}.`, { context: { inputDim } });
    const model = tf.sequential({ name: 'content_embedding' });
    arch.hiddenLayers.forEach((units, i) => {
      model.add(
        tf.layers.dense({
          units,
          activation: 'relu',
          name: `hidden_${i}`,
          kernelInitializer: tf.initializers.heNormal({ seed: arch.seed * 31 + i }),
          ...(i === 0 ? { inputShape: [inputDim] } : {}),
        }),
      );
    });
    model.add(
      tf.layers.dense({
        units: arch.embeddingSize,
        name: 'embedding',
        kernelInitializer: tf.initializers.glorotUniform({ seed: arch.seed * 31 + 99 }),
        ...(arch.hiddenLayers.length === 0 ? { inputShape: [inputDim] } : {}),
      }),
    );
    this.layers = model;
  }

  /**
   * Unit embeddings of a batch (tensor in, tensor out: for training code inside this package).
   *
   * @param x - float32 `[batch, inputDim]` standardised features
   * @param training - apply dropout
   * @returns float32 `[batch, embeddingSize]`, unit rows
   */
  embedTensor(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const rate = this.arch.dropoutRate;
      let h: tf.Tensor2D = x;
      this.layers.layers.forEach((layer, i) => {
        h = layer.apply(h) as tf.Tensor2D;
        if (training && rate > 0 && i < this.layers.layers.length - 1) {
          // A fresh seeded mask per call: a fixed-seed Dropout layer would give both members of
          // a pair the same mask, a fingerprint the in-batch loss learns to match (train loss → 0).
          this.dropoutCalls += 1;
          const keep = tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', this.arch.seed * 1_000_003 + this.dropoutCalls), rate);
          h = tf.div(tf.mul(h, tf.cast(keep, 'float32')), 1 - rate) as tf.Tensor2D;
        }
      });
      return l2Normalize(h);
    });
  }

  /**
   * Unit embeddings of many rows, computed in batches of 4096 (no dropout).
   *
   * @param features - float32 `[rows, inputDim]` standardised features
   * @returns float32 `[rows, embeddingSize]`, unit rows
   * @throws ModelsError `SHAPE_MISMATCH` when the width is not `inputDim`
   */
  embed(features: Float32Array): Float32Array {
    const f = this.inputDim;
    if (features.length % f !== 0) throw new ModelsError('SHAPE_MISMATCH', `embed: ${features.length} values are not rows of ${f} features.`, { context: { length: features.length, inputDim: f } });
    const rows = features.length / f;
    const out = new Float32Array(rows * this.arch.embeddingSize);
    for (let r0 = 0; r0 < rows; r0 += 4096) {
      const r1 = Math.min(rows, r0 + 4096);
      const part = tf.tidy(() => this.embedTensor(tf.tensor2d(features.subarray(r0 * f, r1 * f), [r1 - r0, f]), false).dataSync() as Float32Array);
      out.set(part, r0 * this.arch.embeddingSize);
    }
    return out;
  }

  /** A copy of every weight's values (for keeping the best epoch in memory). */
  snapshot(): Float32Array[] {
    return this.layers.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  }

  /** Restores weights taken with {@link snapshot}. */
  restore(values: readonly Float32Array[]): void {
    const current = this.layers.getWeights();
    const tensors = current.map((w, i) => tf.tensor(values[i] as Float32Array, w.shape));
    this.layers.setWeights(tensors);
    tf.dispose(tensors);
  }

  /**
   * Saves topology + weights (`model.json`, `weights.bin`) atomically into `dir`.
   * @param dir - directory (created if missing)
   */
  async save(dir: string): Promise<void> {
    await saveModel(this.layers, dir);
  }

  /** Frees the weights. */
  dispose(): void {
    this.layers.dispose();
  }
}
