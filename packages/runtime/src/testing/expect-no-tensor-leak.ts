import * as tf from '@tensorflow/tfjs';
import { RuntimeError } from '../runtime.error';

/**
 * Runs `fn` (sync or async) and asserts `tf.memory().numTensors` is the same afterwards — the
 * tensor-hygiene check for training steps and ops in tests of any package. Run one warm-up call
 * first when `fn` lazily creates state (optimiser slots, variables).
 *
 * @param fn - the step to check
 * @param label - names the step in the error message
 * @returns what `fn` returned
 * @throws RuntimeError `TENSOR_LEAK` with the before/after counts when tensors leaked
 * @example
 * ```ts
 * trainStep(opt, lossFn);                                  // warm-up creates Adam slots
 * await expectNoTensorLeak(() => trainStep(opt, lossFn), 'mlp step');
 * ```
 */
export async function expectNoTensorLeak<T>(fn: () => T | Promise<T>, label = 'step'): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new RuntimeError('TENSOR_LEAK', `${label} leaked ${after - before} tensor(s): tf.memory().numTensors went ${before} → ${after}. Wrap op code in tf.tidy and dispose what you keep.`, {
      context: { before, after, label },
    });
  }
  return result;
}
