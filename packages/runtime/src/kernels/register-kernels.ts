import { registerAliasIdentity } from './alias-identity.kernel';
import { registerHeapKernels } from './heap-kernels.kernel';
import { registerTransposeFreeMatMul } from './transpose-free-mat-mul.kernel';
import { registerUnsortedSegmentSum } from './unsorted-segment-sum.kernel';

/**
 * Registers every kernel this package adds or replaces for `backendName`. On `wasm`:
 * transpose-free `BatchMatMul` / `_FusedMatMul` and the missing `UnsortedSegmentSum`. On `cpu`:
 * a linear-time `UnsortedSegmentSum` (the stock one needs O(segments · size(x)) memory — 5 GB
 * for a 20k-row embedding gradient).
 * Also JS fast paths for `GatherV2` (axis 0), `Transpose` (last two axes) and `Sum` (leading
 * axes), and an `Identity` that shares its input's buffer instead of copying it (the engine
 * clones every tensor saved for backprop through `Identity`). Idempotent; {@link initRuntime}
 * calls it.
 *
 * @param backendName - tfjs backend name (`wasm`, `cpu`, `tensorflow`; the last needs none)
 * @returns names of kernels registered by this call
 * @example
 * ```ts
 * registerRuntimeKernels('wasm'); // ['Identity', 'GatherV2', 'Transpose', 'Sum', 'BatchMatMul', ...]
 * ```
 */
export function registerRuntimeKernels(backendName: string): string[] {
  if (backendName === 'cpu') return registerUnsortedSegmentSum('cpu');
  if (backendName !== 'wasm') return [];
  // Heap kernels first: the matmul wrapper looks up Transpose when it registers.
  return [...registerAliasIdentity(), ...registerHeapKernels(), ...registerTransposeFreeMatMul(), ...registerUnsortedSegmentSum('wasm')];
}
