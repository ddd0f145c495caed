import * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from '../kernels/wasm-backend.types';

type BackendInternals = Partial<WasmBackendLike> & {
  wasm?: { tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, memoryOffset: number): void } };
  refCount?(dataId: object): number;
  data?: { get(dataId: object): { values?: unknown } | undefined };
};

/**
 * A Float32Array aliasing a float32 tensor's storage on the active backend (the wasm heap, or the
 * cpu backend's array), or null on backends whose memory JS cannot reach (tfjs-node, webgl).
 * Valid only until the next tensor allocation: the wasm heap may grow and detach it.
 */
export function heapView(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const name = tf.getBackend();
  const backend = tf.backend() as unknown as BackendInternals;
  if (name === 'wasm' && backend.typedArrayFromHeap) {
    return backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: 'float32' }) as Float32Array;
  }
  if (name === 'cpu') {
    const values = backend.data?.get(t.dataId)?.values;
    return values instanceof Float32Array ? values : null;
  }
  return null;
}

/**
 * Like {@link heapView} for a variable about to be updated in place: when another tensor shares
 * the variable's buffer (tfjs shares data ids between `tf.variable(x)` and `x`, clones, reshapes),
 * the variable first gets a private copy, so the in-place write is invisible to everyone else.
 */
export function writableView(v: tf.Variable): Float32Array | null {
  const name = tf.getBackend();
  if (v.dtype !== 'float32' || (name !== 'wasm' && name !== 'cpu')) return null;
  const backend = tf.backend() as unknown as BackendInternals;
  if ((backend.refCount?.(v.dataId) ?? 1) > 1) {
    const copy = tf.tidy(() => tf.mul(v, 1));
    v.assign(copy);
    copy.dispose();
  }
  return heapView(v);
}

/**
 * Must follow every in-place write to a tensor's storage on wasm: tfjs-backend-wasm caches
 * XNNPACK operators with the *packed* right-hand matmul operand keyed by tensor id, so without
 * this a matMul with the updated weights would silently reuse the old ones. Re-registering the
 * id under the same memory runs the backend's disposal callbacks (dropping those operators)
 * without freeing or moving the data. No-op on other backends.
 */
export function invalidateAfterWrite(t: tf.Tensor): void {
  if (tf.getBackend() !== 'wasm') return;
  const backend = tf.backend() as unknown as BackendInternals;
  const data = backend.dataIdMap?.get(t.dataId);
  if (!data || !backend.wasm) return;
  backend.wasm.tfjs.disposeData(data.id);
  backend.wasm.tfjs.registerTensor(data.id, t.size, data.memoryOffset);
}
