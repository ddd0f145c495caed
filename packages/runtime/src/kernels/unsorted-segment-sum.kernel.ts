import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo, TypedArray } from '@tensorflow/tfjs';
import type { WasmBackendLike } from './wasm-backend.types';

/**
 * Linear-time `UnsortedSegmentSum` for the `wasm` and `cpu` backends.
 *
 * - wasm ships none, so the gradient of `tf.gather` — and with it the stock `Embedding` layer —
 *   cannot train there at all.
 * - cpu (tfjs-backend-cpu 4.22) loops over the segments and, for each one, builds a masked copy
 *   of the whole input (`equal` → `cast` → `mul` → `sum`) and frees them only after the loop:
 *   O(numSegments · size(x)) time and memory. For the two-tower benchmark's item table (20,000
 *   segments, a `[1024, 64]` gradient) that is ~5.4 GB of temporaries and ~1.3·10⁹ multiply-adds
 *   per step — the "cpu run grew past 5 GB" of issue #9, a peak inside this kernel, not a leak.
 *
 * This version makes one zero-filled output and one pass over `x`: O(size(x) + size(out)).
 * Segment ids outside `[0, numSegments)` are dropped, as in TensorFlow.
 */
function segmentSum(xs: ArrayLike<number>, ids: ArrayLike<number>, os: TypedArray, n: number, inner: number, numSegments: number): void {
  for (let i = 0; i < n; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) os[dst + j] = (os[dst + j] as number) + (xs[src + j] as number);
  }
}

function shapes(inputs: unknown, attrs: unknown): { x: TensorInfo; segmentIds: TensorInfo; numSegments: number; n: number; inner: number; outShape: number[] } {
  const x = (inputs as Record<string, TensorInfo>)['x'] as TensorInfo;
  const segmentIds = (inputs as Record<string, TensorInfo>)['segmentIds'] as TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const n = segmentIds.shape.reduce((p, d) => p * d, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const inner = rest.reduce((p, d) => p * d, 1);
  return { x, segmentIds, numSegments, n, inner, outShape: [numSegments, ...rest] };
}

const wasmKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const { x, segmentIds, numSegments, n, inner, outShape } = shapes(inputs, attrs);
  const out = wasm.makeOutput(outShape, x.dtype);
  // Views are taken after makeOutput: an allocation may grow (and detach) the heap.
  const os = wasm.typedArrayFromHeap(out);
  os.fill(0);
  segmentSum(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(segmentIds), os, n, inner, numSegments);
  return out;
};

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: string, values: TypedArray): TensorInfo;
}

const cpuKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuBackendLike;
  const { x, segmentIds, numSegments, n, inner, outShape } = shapes(inputs, attrs);
  const xs = cpu.data.get(x.dataId)?.values as ArrayLike<number>;
  const ids = cpu.data.get(segmentIds.dataId)?.values as ArrayLike<number>;
  const size = numSegments * inner;
  const os = x.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  segmentSum(xs, ids, os, n, inner, numSegments);
  return cpu.makeTensorInfo(outShape, x.dtype, os);
};

const KERNELS: Readonly<Record<string, KernelFunc>> = Object.freeze({ wasm: wasmKernel, cpu: cpuKernel });

/**
 * Registers the linear-time `UnsortedSegmentSum` on `backendName` (`wasm` or `cpu`), replacing the
 * cpu backend's quadratic one. Idempotent.
 *
 * @param backendName - `wasm` or `cpu`; other backends are left alone
 * @returns `['UnsortedSegmentSum']` when it registered now, else `[]`
 */
export function registerUnsortedSegmentSum(backendName: string): string[] {
  const kernelFunc = KERNELS[backendName];
  if (!kernelFunc) return [];
  const existing = tf.getKernel('UnsortedSegmentSum', backendName);
  if (existing?.kernelFunc === kernelFunc) return [];
  if (existing) tf.unregisterKernel('UnsortedSegmentSum', backendName);
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName, kernelFunc });
  return ['UnsortedSegmentSum'];
}
