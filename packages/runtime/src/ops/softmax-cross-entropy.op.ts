import * as tf from '@tensorflow/tfjs';
import { RuntimeError } from '../runtime.error';

/**
 * Mean softmax cross-entropy between `logits` and class targets, with a fused gradient
 * `(softmax(logits) − onehot) / batch` (3 kernels backward instead of the ~15 that autodiff of
 * log-sum-exp records). The loss value floors p at 1e-37, so it saturates near 85 per row when a
 * logit trails the row maximum by more than ~85; the gradient stays exact.
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
    // Dense targets: float [batch, classes]. Class ids: int32 [batch], expanded to one-hot only in
    // the backward pass; the loss reads the batch picked probabilities by flat index.
    const targets = dense ? (labels as tf.Tensor2D) : tf.cast(labels, 'int32');
    const flatIndex = (ids: tf.Tensor): tf.Tensor => tf.add(ids, tf.range(0, batch * classes, classes, 'int32'));
    // float32 one-hot: an int32 one costs tf.sub a cast over all [batch, classes] (the wasm OneHot
    // needs this package's kernel for float32: the stock one writes int32 bits).
    const oneHot = (tt: tf.Tensor): tf.Tensor => (dense ? tt : tf.oneHot(tt as tf.Tensor1D, classes, 1, 0, 'float32'));
    // The forward pass uses the Softmax kernel (vectorised exp in XNNPACK on wasm, ~10× faster
    // than Exp + logSumExp there) and keeps p for the backward pass: dz = (p − y) · dy / batch.
    // targets is an input (not a closure) so the tape keeps it alive until backprop runs.
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const z = args[0] as tf.Tensor;
      const t = args[1] as tf.Tensor;
      const save = args[2] as tf.GradSaveFunc;
      const p = tf.softmax(z);
      save([p, t]);
      // log p for the loss value only; the floor keeps it finite when p underflows (gap > ~87).
      const logp = (q: tf.Tensor): tf.Tensor => tf.log(tf.maximum(q, 1e-37));
      const picked = dense ? tf.mul(t, logp(p)) : logp(tf.gather(tf.reshape(p, [-1]), flatIndex(t)));
      const value = tf.neg(tf.div(tf.sum(picked), batch)) as tf.Scalar;
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [pp, tt] = saved as [tf.Tensor, tf.Tensor];
        return [tf.mul(tf.sub(pp, oneHot(tt)), tf.div(dy, batch)), tf.zerosLike(tt)];
      };
      return { value, gradFunc };
    });
    return op(logits, targets) as tf.Scalar;
  });
}
