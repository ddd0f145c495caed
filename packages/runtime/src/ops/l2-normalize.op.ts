import * as tf from '@tensorflow/tfjs';

/**
 * Scales `x` to unit L2 norm along `axis`: `x / sqrt(max(sum(x², axis), epsilon))`, as
 * `tf.math.l2_normalize`. Differentiable with kernels every backend has (Square, Sum, Maximum,
 * Rsqrt, Mul).
 *
 * @param x - float32 tensor, e.g. `[batch, dim]` embeddings
 * @param axis - axis to normalise over; default the last
 * @param epsilon - floor under the squared norm, so a zero vector stays finite; default 1e-12
 * @returns float32 tensor of the shape of `x`
 * @example
 * ```ts
 * l2Normalize(tf.tensor2d([[3, 4]])); // [[0.6, 0.8]]
 * ```
 */
export function l2Normalize<T extends tf.Tensor>(x: T, axis = -1, epsilon = 1e-12): T {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), epsilon))) as T);
}
