import * as tf from '@tensorflow/tfjs';

/** Additive logit mask value for in-batch "accidental hits" (a negative that is really a positive). */
const MASKED = -1e9;

/**
 * Masks for {@link inBatchSoftmaxLoss}: entry [i, j] (j ≠ i) is masked when column j's item is
 * row i's positive item or row i's own anchor — same track twice in one batch, which must not be
 * pushed apart from itself.
 *
 * @param aItems - int32 `[batch]` anchor row ids
 * @param bItems - int32 `[batch]` positive row ids
 * @returns float32 `[batch·batch]` masks for a→b (rows a, columns b) and b→a (rows b, columns a)
 * @example
 * ```ts
 * // pairs (0,1) and (1,2): row 1's anchor is track 1, which is column 0's positive
accidentalHitMasks(Int32Array.of(0, 1), Int32Array.of(1, 2)).ab; // [0, 0, -1e9, 0]
 * ```
 */
export function accidentalHitMasks(aItems: Int32Array, bItems: Int32Array): { ab: Float32Array; ba: Float32Array } {
  const n = aItems.length;
  const ab = new Float32Array(n * n);
  const ba = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (bItems[j] === bItems[i] || bItems[j] === aItems[i]) ab[i * n + j] = MASKED;
      if (aItems[j] === aItems[i] || aItems[j] === bItems[i]) ba[i * n + j] = MASKED;
    }
  }
  return { ab, ba };
}

/**
 * Symmetric in-batch softmax (InfoNCE) loss over unit embeddings: row i of `a` must pick its own
 * partner `b_i` among every `b_j` of the batch, and vice versa, with logits `cos / τ`.
 * `ℓ_i = ½ (logsumexp_j(a_i·b_j/τ + M_ij) − a_i·b_i/τ) + ½ (same with a and b swapped)`,
 * averaged with the pair weights. (van den Oord et al. 2018; TFRS `tasks/retrieval.py`.)
 *
 * @param a - float32 `[batch, dim]` unit embeddings of the anchors
 * @param b - float32 `[batch, dim]` unit embeddings of the positives
 * @param temperature - τ > 0
 * @param weights - float32 `[batch]` pair weights
 * @param masks - optional float32 `[batch, batch]` additive masks (see {@link accidentalHitMasks})
 * @returns float32 scalar
 * @example
 * ```ts
 * const loss = inBatchSoftmaxLoss(ea, eb, 0.1, tf.ones([batch]));
 * ```
 */
export function inBatchSoftmaxLoss(a: tf.Tensor2D, b: tf.Tensor2D, temperature: number, weights: tf.Tensor1D, masks?: { ab: tf.Tensor2D; ba: tf.Tensor2D }): tf.Scalar {
  return tf.tidy(() => {
    const logits = tf.div(tf.matMul(a, b, false, true), temperature) as tf.Tensor2D;
    const positive = tf.div(tf.sum(tf.mul(a, b), 1), temperature);
    const rows = masks ? tf.add(logits, masks.ab) : logits;
    const cols = masks ? tf.add(tf.transpose(logits), masks.ba) : tf.transpose(logits);
    const perPair = tf.mul(tf.sub(tf.add(tf.logSumExp(rows, 1), tf.logSumExp(cols, 1)), tf.mul(positive, 2)), 0.5);
    return tf.div(tf.sum(tf.mul(perPair, weights)), tf.sum(weights)) as tf.Scalar;
  });
}

/**
 * Positive-only cosine distance loss, `Σ w_i (1 − a_i·b_i) / Σ w_i` over unit embeddings — the
 * original design. Its minimum is reached by mapping every track to the same point (collapse).
 *
 * @param a - float32 `[batch, dim]` unit embeddings
 * @param b - float32 `[batch, dim]` unit embeddings
 * @param weights - float32 `[batch]` pair weights
 * @returns float32 scalar in [0, 2]
 * @example
 * ```ts
 * cosinePairLoss(ea, eb, tf.ones([batch]));
 * ```
 */
export function cosinePairLoss(a: tf.Tensor2D, b: tf.Tensor2D, weights: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const distance = tf.sub(1, tf.sum(tf.mul(a, b), 1));
    return tf.div(tf.sum(tf.mul(distance, weights)), tf.sum(weights)) as tf.Scalar;
  });
}
