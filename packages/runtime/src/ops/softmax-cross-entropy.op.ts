import * as tf from '@tensorflow/tfjs';
import { RuntimeError } from '../runtime.error';

/**
 * Mean softmax cross-entropy between `logits` and class targets, with a fused gradient
 * `(softmax(logits) − onehot) / batch` (4 kernels backward instead of the ~15 that autodiff of
 * log-sum-exp records). Numerically stable (max-shifted log-sum-exp).
 *
 * @param logits - float32 `[batch, classes]`
 * @param labels - int32 `[batch]` class ids, or float32 `[batch, classes]` probabilities
 * @returns float32 scalar: `−mean_b Σ_c labels[b,c] · log_softmax(logits)[b,c]`
 * @throws RuntimeError `INVALID_ARGUMENT` when shapes do not line up
 * @example
 * ```ts
 * // in-batch softmax: row b's positive is column b
 * const loss = softmaxCrossEntropyWithLogits(scores, tf.range(0, batch, 1, 'int32'));
 * ```
 */
export function softmaxCrossEntropyWithLogits(logits: tf.Tensor2D, labels: tf.Tensor1D | tf.Tensor2D): tf.Scalar {
  const [batch, classes] = logits.shape;
  const dense = labels.rank === 2;
  if (dense ? labels.shape[0] !== batch || labels.shape[1] !== classes : labels.shape[0] !== batch) {
    throw new RuntimeError('INVALID_ARGUMENT', `softmaxCrossEntropyWithLogits: labels of shape [${labels.shape.join(', ')}] do not match logits [${batch}, ${classes}].`, {
      context: { logits: logits.shape, labels: labels.shape },
    });
  }
  return tf.tidy(() => {
    const targets = dense ? (labels as tf.Tensor2D) : tf.oneHot(tf.cast(labels, 'int32'), classes).asType('float32');
    const op = tf.customGrad((z: tf.Tensor, save: tf.GradSaveFunc) => {
      const logZ = tf.logSumExp(z, -1, true);
      const logp = tf.sub(z, logZ);
      save([logp]);
      const value = tf.neg(tf.div(tf.sum(tf.mul(targets, logp)), batch)) as tf.Scalar;
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
        const p = tf.exp(saved[0] as tf.Tensor);
        return tf.mul(tf.sub(p, targets), tf.div(dy, batch));
      };
      return { value, gradFunc };
    });
    return op(logits) as tf.Scalar;
  });
}
