/**
 * Indices of the `k` largest finite values, best first (ties: lower index first), skipping indices
 * where `skip[i]` is non-zero. A size-k min-heap: O(n log k).
 *
 * @param values - float [n]
 * @param k - how many to keep (fewer when fewer are eligible)
 * @param skip - optional uint8 [n] mask of indices to leave out
 * @returns int32 [≤ k] indices, descending by value
 * @example
 * ```ts
 * selectTopK(Float32Array.of(0.1, 0.9, 0.5), 2); // Int32Array [1, 2]
 * ```
 */
export function selectTopK(values: ArrayLike<number>, k: number, skip?: Uint8Array): Int32Array {
  const n = values.length;
  const cap = Math.max(0, Math.min(k, n));
  const hi = new Int32Array(cap);
  const hv = new Float64Array(cap);
  let size = 0;
  // "a worse than b": smaller value, or equal value and larger index
  const worse = (va: number, ia: number, vb: number, ib: number): boolean => va < vb || (va === vb && ia > ib);
  for (let i = 0; i < n; i++) {
    if (skip && skip[i]) continue;
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (size < cap) {
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(v, i, hv[p]!, hi[p]!)) break;
        hv[c] = hv[p]!;
        hi[c] = hi[p]!;
        c = p;
      }
      hv[c] = v;
      hi[c] = i;
    } else if (cap > 0 && worse(hv[0]!, hi[0]!, v, i)) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && worse(hv[r]!, hi[r]!, hv[l]!, hi[l]!) ? r : l;
        if (!worse(hv[m]!, hi[m]!, v, i)) break;
        hv[c] = hv[m]!;
        hi[c] = hi[m]!;
        c = m;
      }
      hv[c] = v;
      hi[c] = i;
    }
  }
  const order = Array.from({ length: size }, (_, j) => j).sort((a, b) => (hv[b]! - hv[a]!) || (hi[a]! - hi[b]!));
  return Int32Array.from(order, (j) => hi[j]!);
}
