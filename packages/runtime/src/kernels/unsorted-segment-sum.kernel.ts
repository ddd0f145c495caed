import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackendLike } from './wasm-backend.types';

/**
 * `UnsortedSegmentSum` for tfjs-backend-wasm, which ships none (so the gradient of `tf.gather`,
 * and with it the stock `Embedding` layer, cannot train on wasm). Runs in JavaScript directly on
 * the wasm heap: one zero-filled output and one pass over `x`, O(size(x) + size(out)).
 * Segment ids outside `[0, numSegments)` are dropped, as in TensorFlow.
 */
const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const x = (inputs as Record<string, TensorInfo>)['x'] as TensorInfo;
  const segmentIds = (inputs as Record<string, TensorInfo>)['segmentIds'] as TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const segRank = segmentIds.shape.length;
  const n = segmentIds.shape.reduce((p, d) => p * d, 1);
  const rest = x.shape.slice(segRank);
  const inner = rest.reduce((p, d) => p * d, 1);
  const out = wasm.makeOutput([numSegments, ...rest], x.dtype);
  // Views are taken after makeOutput: an allocation may grow (and detach) the heap.
  const xs = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  const os = wasm.typedArrayFromHeap(out);
  os.fill(0);
  for (let i = 0; i < n; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) os[dst + j] = (os[dst + j] as number) + (xs[src + j] as number);
  }
  return out;
};

/**
 * Registers {@link unsortedSegmentSum} on `wasm` unless a kernel is already there. Idempotent.
 *
 * @returns `['UnsortedSegmentSum']` when it registered now, else `[]`
 */
export function registerUnsortedSegmentSum(): string[] {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return [];
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum });
  return ['UnsortedSegmentSum'];
}
