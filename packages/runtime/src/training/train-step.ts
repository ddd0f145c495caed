import * as tf from '@tensorflow/tfjs';
import type { SparseBatch } from '../ops/sparse-embedding.layer';
import { RuntimeError } from '../runtime.error';

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  /** Sparse-embedding batches the loss reads; their rows are updated sparsely, then disposed. */
  sparse?: readonly SparseBatch[];
  /** Dense variables to train; default every trainable variable the loss touches. */
  varList?: readonly tf.Variable[];
}

/**
 * One optimisation step: computes the loss and gradients under `tf.tidy`, applies dense gradients
 * with `optimizer` and sparse ones row-wise to each {@link SparseBatch}'s embedding, frees every
 * intermediate tensor and returns the loss as a number (one device read per step).
 *
 * @param optimizer - any tfjs optimiser (e.g. `tf.train.adam(1e-3)`)
 * @param loss - closure building a float32 scalar loss from variables and batch tensors
 * @param options - {@link TrainStepOptions}
 * @returns the loss before the update
 * @throws RuntimeError `INVALID_ARGUMENT` when the loss is not a scalar
 * @example
 * ```ts
 * const value = trainStep(tf.train.adam(1e-3), () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor));
 * ```
 */
export function trainStep(optimizer: tf.Optimizer, loss: () => tf.Scalar, options: TrainStepOptions = {}): number {
  const sparse = options.sparse ?? [];
  const sparseNames = new Map<string, SparseBatch>(sparse.map((b) => [b.rows.name, b]));
  let value: number;
  try {
    value = tf.tidy(() => {
      const varList = options.varList ? [...options.varList, ...sparse.map((b) => b.rows)] : undefined;
      const { value: l, grads } = tf.variableGrads(() => {
        const out = loss();
        if (out.rank !== 0) {
          throw new RuntimeError('INVALID_ARGUMENT', `trainStep: the loss must be a scalar, got shape [${out.shape.join(', ')}].`, { context: { shape: out.shape } });
        }
        return out;
      }, varList);
      const dense: tf.NamedTensorMap = {};
      for (const [name, g] of Object.entries(grads)) {
        const batch = sparseNames.get(name);
        if (batch) {
          batch.embedding.applyGradient(batch, g);
          sparseNames.delete(name);
        } else dense[name] = g;
      }
      if (Object.keys(dense).length > 0) optimizer.applyGradients(dense);
      return l.dataSync()[0] as number;
    });
  } finally {
    // Batches whose rows the loss never read still own tensors.
    for (const b of sparseNames.values()) b.embedding.applyGradient(b, null);
  }
  return value;
}
