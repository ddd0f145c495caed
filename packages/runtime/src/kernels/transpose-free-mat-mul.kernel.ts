import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackendLike } from './wasm-backend.types';

/** Kernels whose `transposeA` / `transposeB` attributes take a slow path in tfjs-backend-wasm. */
const MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

const wrapped = new WeakSet<KernelFunc>();

function transposeLastTwo(x: TensorInfo, backend: unknown, transpose: KernelFunc): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return transpose({ inputs: { x }, backend: backend as never, attrs: { perm } }) as TensorInfo;
}

/**
 * Wraps a matmul kernel so transposed operands are materialised with the (fast, XNNPACK-backed)
 * `Transpose` kernel and the plain `transposeA = transposeB = false` path runs. In
 * tfjs-backend-wasm 4.22 only that plain path reaches XNNPACK's GEMM; a transposed operand falls
 * back to a scalar loop (measured 0.4–1.9 vs 11 GFLOP/s on [4096,128]×[128,64]), and backprop of
 * every dense layer uses exactly those transposes.
 */
function transposeFree(original: KernelFunc, transpose: KernelFunc): KernelFunc {
  const fn: KernelFunc = (args) => {
    const attrs = args.attrs as NamedAttrMap & { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const inputs = args.inputs as Record<string, TensorInfo>;
    const temps: TensorInfo[] = [];
    let a = inputs['a'] as TensorInfo;
    let b = inputs['b'] as TensorInfo;
    if (attrs.transposeA) {
      a = transposeLastTwo(a, args.backend, transpose);
      temps.push(a);
    }
    if (attrs.transposeB) {
      b = transposeLastTwo(b, args.backend, transpose);
      temps.push(b);
    }
    try {
      return original({
        inputs: { ...inputs, a, b },
        backend: args.backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  wrapped.add(fn);
  return fn;
}

/**
 * Re-registers `BatchMatMul` and `_FusedMatMul` on `wasm` with {@link transposeFree}. Idempotent.
 *
 * @returns the kernel names that were (re-)registered now
 */
export function registerTransposeFreeMatMul(): string[] {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return [];
  const done: string[] = [];
  for (const name of MATMUL_KERNELS) {
    const original = tf.getKernel(name, 'wasm');
    if (!original || wrapped.has(original.kernelFunc)) continue;
    const config: KernelConfig = {
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: transposeFree(original.kernelFunc, transpose.kernelFunc),
    };
    if (original.setupFunc) config.setupFunc = original.setupFunc;
    if (original.disposeFunc) config.disposeFunc = original.disposeFunc;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
    done.push(name);
  }
  return done;
}
