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
    const attrs = args.attrs as NamedAttrMap & { transposeA?: boolean; transposeB?: boolean; activation?: string };
    const ta = !!attrs.transposeA;
    const tb = !!attrs.transposeB;
    if (!ta && !tb) return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const inputs = args.inputs as Record<string, TensorInfo>;
    const a = inputs['a'] as TensorInfo;
    const b = inputs['b'] as TensorInfo;
    const size = (t: TensorInfo): number => t.shape.reduce((p, d) => p * d, 1);
    const rank = Math.max(a.shape.length, b.shape.length);
    const m = ta ? (a.shape[a.shape.length - 1] as number) : (a.shape[a.shape.length - 2] as number);
    const n = tb ? (b.shape[b.shape.length - 2] as number) : (b.shape[b.shape.length - 1] as number);
    const batch = Math.max(size(a) / (a.shape.at(-1)! * a.shape.at(-2)!), size(b) / (b.shape.at(-1)! * b.shape.at(-2)!));
    // Two plans: materialise the flagged operands, or compute Cᵀ = op(B)ᵀ·op(A)ᵀ (which flips the
    // flags) and transpose the result. The second wins for e.g. dW = dYᵀ·X with a large dY.
    const direct = (ta ? size(a) : 0) + (tb ? size(b) : 0);
    const swapped = (!tb ? size(b) : 0) + (!ta ? size(a) : 0) + batch * m * n;
    const plain = inputs['bias'] === undefined && inputs['preluActivationWeights'] === undefined && (attrs.activation ?? 'linear') === 'linear';
    const temps: TensorInfo[] = [];
    const t = (x: TensorInfo): TensorInfo => {
      const y = transposeLastTwo(x, args.backend, transpose);
      temps.push(y);
      return y;
    };
    try {
      if (plain && rank === 2 && swapped < direct) {
        const ct = original({
          inputs: { a: tb ? b : t(b), b: ta ? a : t(a) },
          backend: args.backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        }) as TensorInfo;
        temps.push(ct);
        return transposeLastTwo(ct, args.backend, transpose);
      }
      return original({
        inputs: { ...inputs, a: ta ? t(a) : a, b: tb ? t(b) : b },
        backend: args.backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const x of temps) backend.disposeData(x.dataId);
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
