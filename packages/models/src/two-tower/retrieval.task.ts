import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropyWithLogits } from '@tunekit/runtime';

/** Inputs of {@link retrievalLoss} besides the tower outputs. */
export interface RetrievalLossOptions {
  /** Softmax temperature τ. */
  temperature: number;
  /** float32 [candidates]: log sampling probability of each candidate, subtracted from its logit (logQ correction); omit to disable. */
  logQ?: Float32Array;
  /** uint8 [batch · candidates]: 1 where a candidate other than the row's own positive is the same item (accidental hit), masked out. */
  accidentalHits?: Uint8Array;
  /**
   * int32 [batch]: index of each row's positive among the candidates (default: row i → candidate i).
   * With de-duplicated candidates (each item once) there are no accidental hits to mask.
   */
  labels?: Int32Array;
}

/**
 * The retrieval task (TensorFlow Recommenders `tasks.Retrieval`): in-batch softmax cross-entropy
 * where row i's positive is candidate i and every other candidate (the batch's other positives,
 * then any extra sampled negatives) is a negative.
 * logits_ij = q_i·c_j / τ − logQ_j, accidental hits set to −1e9; loss = mean_i −log softmax(logits_i)_i.
 * Call inside a gradient closure; the caller tidies.
 *
 * @param queries - float32 [batch, dim] L2-normalised user vectors
 * @param candidates - float32 [candidates, dim] L2-normalised item vectors (positives first, unless `labels` says where they are)
 * @param options - {@link RetrievalLossOptions}
 * @returns scalar loss
 * @example
 * ```ts
 * // u = [[1,0],[0,1]], c = [[1,0],[0,1]], τ = 1 → logits [[1,0],[0,1]], loss = log(1+e⁻¹) ≈ 0.3133
 * const loss = retrievalLoss(u, c, { temperature: 1 });
 * ```
 */
export function retrievalLoss(queries: tf.Tensor2D, candidates: tf.Tensor2D, options: RetrievalLossOptions): tf.Scalar {
  const [batch] = queries.shape;
  const [nCand] = candidates.shape;
  let logits = tf.div(tf.matMul(queries, candidates, false, true), options.temperature) as tf.Tensor2D;
  if (options.logQ) logits = tf.sub(logits, tf.tensor2d(options.logQ, [1, nCand])) as tf.Tensor2D;
  if (options.accidentalHits) {
    const penalty = new Float32Array(batch * nCand);
    for (let k = 0; k < penalty.length; k++) if (options.accidentalHits[k]) penalty[k] = -1e9;
    logits = tf.add(logits, tf.tensor2d(penalty, [batch, nCand])) as tf.Tensor2D;
  }
  const labels = options.labels ? tf.tensor1d(options.labels, 'int32') : (tf.range(0, batch, 1, 'int32') as tf.Tensor1D);
  return softmaxCrossEntropyWithLogits(logits, labels);
}

/**
 * The accidental-hit mask of a batch: candidate j ≠ i carrying row i's positive item.
 *
 * @param positives - int32 [batch] item of each row (also the first `batch` candidates)
 * @param candidates - int32 [candidates] item of each candidate
 * @returns uint8 [batch · candidates], or null when there is no accidental hit
 */
export function accidentalHitMask(positives: Int32Array, candidates: Int32Array): Uint8Array | null {
  const b = positives.length;
  const c = candidates.length;
  const byItem = new Map<number, number[]>();
  for (let j = 0; j < c; j++) {
    const list = byItem.get(candidates[j]!);
    if (list) list.push(j);
    else byItem.set(candidates[j]!, [j]);
  }
  let mask: Uint8Array | null = null;
  for (let i = 0; i < b; i++) {
    const same = byItem.get(positives[i]!)!;
    if (same.length < 2) continue;
    mask ??= new Uint8Array(b * c);
    for (const j of same) if (j !== i) mask[i * c + j] = 1;
  }
  return mask;
}
