import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackendLike } from './wasm-backend.types';

/*
 * JavaScript kernels that run directly on the wasm heap for the shapes training uses most, where
 * tfjs-backend-wasm 4.22's C++ kernels take a generic strided path. Measured per call on this
 * machine (CPU time): GatherV2 of 1024 rows × 64 from a 20k table 3.5 ms → ~0.03 ms;
 * Transpose of 1024×1024 8 ms → ~2 ms; Sum over axis 0 of 256×128 0.29 ms → ~0.03 ms.
 * Every other case delegates to the original kernel.
 */

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

type Heap = Float32Array | Int32Array | Uint8Array;

/** GatherV2 with axis 0 and batchDims 0: row copies with TypedArray.set (a memcpy each). */
function gatherRows(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x, indices } = args.inputs as Record<string, TensorInfo> as { x: TensorInfo; indices: TensorInfo };
    const attrs = args.attrs as { axis: number; batchDims: number };
    const axis = attrs.axis < 0 ? attrs.axis + x.shape.length : attrs.axis;
    if (axis !== 0 || (attrs.batchDims ?? 0) !== 0 || indices.dtype !== 'int32' || x.dtype === 'string' || x.dtype === 'complex64') return original(args);
    const wasm = args.backend as unknown as WasmBackendLike;
    const rows = x.shape[0] as number;
    const inner = size(x.shape.slice(1));
    const n = size(indices.shape);
    const out = wasm.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const xs = wasm.typedArrayFromHeap(x) as Heap;
    const ids = wasm.typedArrayFromHeap(indices) as Int32Array;
    const os = wasm.typedArrayFromHeap(out) as Heap;
    for (let i = 0; i < n; i++) {
      const r = ids[i] as number;
      if (r < 0 || r >= rows) {
        wasm.disposeData(out.dataId);
        throw new Error(`GatherV2: index ${r} at position ${i} is not in [0, ${rows - 1}]`);
      }
      os.set(xs.subarray(r * inner, (r + 1) * inner), i * inner);
    }
    return out;
  };
}

/** Transpose swapping the last two axes (perm [..., r-1, r-2]), in 32×32 tiles. */
function transposeLastTwo(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as Record<string, TensorInfo>)['x'] as TensorInfo;
    const perm = (args.attrs as { perm: number[] }).perm;
    const r = x.shape.length;
    const swapsLastTwo = r >= 2 && perm.every((p, i) => (i < r - 2 ? p === i : i === r - 2 ? p === r - 1 : p === r - 2));
    if (!swapsLastTwo || x.dtype !== 'float32') return original(args);
    const wasm = args.backend as unknown as WasmBackendLike;
    const rows = x.shape[r - 2] as number;
    const cols = x.shape[r - 1] as number;
    const batch = size(x.shape.slice(0, r - 2));
    const outShape = [...x.shape.slice(0, r - 2), cols, rows];
    const out = wasm.makeOutput(outShape, 'float32');
    const xs = wasm.typedArrayFromHeap(x) as Float32Array;
    const os = wasm.typedArrayFromHeap(out) as Float32Array;
    const T = 32;
    for (let b = 0; b < batch; b++) {
      const base = b * rows * cols;
      for (let i0 = 0; i0 < rows; i0 += T) {
        const i1 = Math.min(rows, i0 + T);
        for (let j0 = 0; j0 < cols; j0 += T) {
          const j1 = Math.min(cols, j0 + T);
          for (let i = i0; i < i1; i++) {
            const src = base + i * cols;
            for (let j = j0; j < j1; j++) os[base + j * rows + i] = xs[src + j] as number;
          }
        }
      }
    }
    return out;
  };
}

/**
 * Sum over leading axes [0 .. k) (e.g. axis 0 of a matrix: bias gradients), row-wise adds.
 * (Tried: a GEMM `ones[1, outer] · x` through XNNPACK — 19 µs instead of 209 µs for `[1024, 64]`
 * when `x` is the same tensor every call, but XNNPACK packs its right operand once per tensor,
 * and in training `x` is new each step: 3× slower than this loop in the MLP step.)
 */
function sumLeading(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as Record<string, TensorInfo>)['x'] as TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const r = x.shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < r && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return original(args);
    const wasm = args.backend as unknown as WasmBackendLike;
    const k = axes.length;
    const outer = size(x.shape.slice(0, k));
    const inner = size(x.shape.slice(k));
    const outShape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
    const out = wasm.makeOutput(outShape, 'float32');
    const xs = wasm.typedArrayFromHeap(x) as Float32Array;
    const os = wasm.typedArrayFromHeap(out) as Float32Array;
    os.set(xs.subarray(0, inner));
    for (let o = 1; o < outer; o++) {
      const base = o * inner;
      for (let j = 0; j < inner; j++) os[j] = (os[j] as number) + (xs[base + j] as number);
    }
    return out;
  };
}

/**
 * OneHot with dtype `float32`. tfjs-backend-wasm 4.22's kernel always writes int32 values, so a
 * float32 one-hot came out as denormals (1 → 1.4e-45); int32 keeps the original kernel.
 * One native `fill` plus one store per index.
 */
function oneHotFloat(original: KernelFunc): KernelFunc {
  return (args) => {
    const { dtype, depth, onValue, offValue } = args.attrs as { dtype: string; depth: number; onValue: number; offValue: number };
    if (dtype !== 'float32') return original(args);
    const indices = (args.inputs as Record<string, TensorInfo>)['indices'] as TensorInfo;
    const wasm = args.backend as unknown as WasmBackendLike;
    const out = wasm.makeOutput([...indices.shape, depth], 'float32');
    const ids = wasm.typedArrayFromHeap(indices);
    const os = wasm.typedArrayFromHeap(out) as Float32Array;
    os.fill(offValue);
    for (let i = 0; i < ids.length; i++) {
      const k = ids[i] as number;
      if (k >= 0 && k < depth) os[i * depth + k] = onValue;
    }
    return out;
  };
}

const WRAPPERS: Readonly<Record<string, (original: KernelFunc) => KernelFunc>> = Object.freeze({
  GatherV2: gatherRows,
  OneHot: oneHotFloat,
  Transpose: transposeLastTwo,
  Sum: sumLeading,
});

const wrapped = new WeakSet<KernelFunc>();

/**
 * Re-registers `GatherV2`, `Transpose` and `Sum` on wasm with heap-level JavaScript fast paths
 * for their common training shapes, and `OneHot` so that dtype `float32` works. Idempotent.
 *
 * @returns kernel names re-registered now
 */
export function registerHeapKernels(): string[] {
  const done: string[] = [];
  for (const [name, wrap] of Object.entries(WRAPPERS)) {
    const original = tf.getKernel(name, 'wasm');
    if (!original || wrapped.has(original.kernelFunc)) continue;
    const kernelFunc = wrap(original.kernelFunc);
    wrapped.add(kernelFunc);
    const config: KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc };
    if (original.setupFunc) config.setupFunc = original.setupFunc;
    if (original.disposeFunc) config.disposeFunc = original.disposeFunc;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
    done.push(name);
  }
  return done;
}
