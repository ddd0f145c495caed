import { registerTransposeFreeMatMul } from './transpose-free-mat-mul.kernel';
import { registerUnsortedSegmentSum } from './unsorted-segment-sum.kernel';

/**
 * Registers every kernel this package adds or replaces for `backendName`. Only `wasm` needs any
 * today: transpose-free `BatchMatMul` / `_FusedMatMul` and the missing `UnsortedSegmentSum`.
 * Idempotent; {@link initRuntime} calls it.
 *
 * @param backendName - tfjs backend name (`wasm`, `cpu`, `tensorflow`)
 * @returns names of kernels registered by this call
 * @example
 * ```ts
 * registerRuntimeKernels('wasm'); // ['BatchMatMul', '_FusedMatMul', 'UnsortedSegmentSum']
 * ```
 */
export function registerRuntimeKernels(backendName: string): string[] {
  if (backendName !== 'wasm') return [];
  return [...registerTransposeFreeMatMul(), ...registerUnsortedSegmentSum()];
}
