import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/**
 * `Identity` on wasm that shares the input's buffer (reference-counted, as the wasm `Reshape`
 * kernel and the cpu backend's `Identity` already do) instead of copying it.
 *
 * Why it matters: the tfjs engine clones every tensor a kernel saves for its backward pass
 * (`saveTensorsForBackwardMode` → `clone` → `Identity`), and tfjs-backend-wasm 4.22's `Identity`
 * copies the data. A two-tower training step saves ~46 tensors, among them `[1024, 1024]` score
 * and softmax matrices, so those copies cost ~1.5 ms per step (profiled). Sharing is safe because
 * no wasm kernel writes into its inputs; this package's in-place writers (`InPlaceAdam`,
 * `SparseEmbedding`) copy a variable first whenever its buffer is shared (`writableView`).
 */
const aliasIdentity: KernelFunc = ({ inputs, backend }) => {
  const x = (inputs as Record<string, TensorInfo>)['x'] as TensorInfo;
  (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** `Cast` to the dtype the tensor already has (gather/segment gradients do it to their indices) aliases too. */
function aliasSameDtypeCast(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as Record<string, TensorInfo>)['x'] as TensorInfo;
    return x.dtype === (args.attrs as { dtype: string }).dtype ? aliasIdentity(args) : original(args);
  };
}

const done = new Set<string>();

/**
 * Replaces `Identity` on `wasm` with {@link aliasIdentity}, and lets a same-dtype `Cast` alias
 * as well. Idempotent.
 *
 * @returns the kernel names registered now (`['Identity', 'Cast']` the first time)
 */
export function registerAliasIdentity(): string[] {
  const out: string[] = [];
  for (const name of ['Identity', 'Cast'] as const) {
    const original = tf.getKernel(name, 'wasm');
    if (!original || done.has(name)) continue;
    const config: KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc: name === 'Identity' ? aliasIdentity : aliasSameDtypeCast(original.kernelFunc) };
    if (original.setupFunc) config.setupFunc = original.setupFunc;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
    done.add(name);
    out.push(name);
  }
  return out;
}
