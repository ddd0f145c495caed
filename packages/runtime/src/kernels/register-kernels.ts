import { registerHeapKernels } from './heap-kernels.kernel';
import { registerTransposeFreeMatMul } from './transpose-free-mat-mul.kernel';
import { registerUnsortedSegmentSum } from './unsorted-segment-sum.kernel';

/**
 * Registers every kernel this package adds or replaces for `backendName`. Only `wasm` needs any
 * today: transpose-free `BatchMatMul` / `_FusedMatMul` and the missing `UnsortedSegmentSum`.
 * Also JS fast paths for `GatherV2` (axis 0), `Transpose` (last two axes) and `Sum` (leading
 * axes). Idempotent; {@link initRuntime} calls it.
 *
 * @param backendName - tfjs backend name (`wasm`, `cpu`, `tensorflow`)
 * @returns names of kernels registered by this call
 * @example
 * ```ts
 * registerRuntimeKernels('wasm'); // ['GatherV2', 'Transpose', 'Sum', 'BatchMatMul', ...]
 * ```
 */
export function registerRuntimeKernels(backendName: string): string[] {
  if (backendName !== 'wasm') return [];
  // Heap kernels first: the matmul wrapper looks up Transpose when it registers.
  return [...registerHeapKernels(), ...registerTransposeFreeMatMul(), ...registerUnsortedSegmentSum()];
}
