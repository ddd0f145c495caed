import { ModelsError } from '../errors';

/**
 * In-place blocked (right-looking) Cholesky factorisation A = L·Lᵀ of a symmetric positive
 * definite matrix stored row-major in a Float64Array. Only the lower triangle of `a` is read; on
 * return it holds L and the strict upper triangle is zeroed.
 *
 * Each step factors a `blockSize` diagonal block, solves the panel below it, copies the panel
 * into a contiguous buffer and applies the symmetric rank-b update to the trailing lower triangle
 * as dot products of contiguous panel rows — row-major inner loops that stay in cache.
 *
 * @param a - float64 [n·n] row-major, overwritten by L
 * @param n - order of the matrix
 * @param blockSize - panel width (default 64)
 * @throws ModelsError `SINGULAR_MATRIX` naming the pivot index and value;
 *   `INVALID_INPUT` when `a.length !== n·n`
 * @example
 * ```ts
 * const a = Float64Array.of(4, 2, 2, 3); blockedCholeskyInPlace(a, 2); // a = [2, 0, 1, √2]
 * ```
 */
export function blockedCholeskyInPlace(a: Float64Array, n: number, blockSize = 64): void {
  if (a.length !== n * n) throw new ModelsError('INVALID_INPUT', `blockedCholeskyInPlace: expected ${n}·${n} = ${n * n} entries, got ${a.length}.`);
  const nb = Math.max(1, Math.floor(blockSize));
  const panel = new Float64Array(n * nb);
  for (let k0 = 0; k0 < n; k0 += nb) {
    const b = Math.min(nb, n - k0);
    const k1 = k0 + b;
    // 1. unblocked Cholesky of the diagonal block
    for (let j = k0; j < k1; j++) {
      const rj = j * n;
      let d = a[rj + j]!;
      for (let p = k0; p < j; p++) d -= a[rj + p]! * a[rj + p]!;
      if (!(d > 0)) {
        throw new ModelsError('SINGULAR_MATRIX', `blockedCholeskyInPlace: pivot ${j} is ${d} (≤ 0): the matrix is not positive definite; increase the regularisation (λ).`, { context: { pivot: j, value: d } });
      }
      const ljj = Math.sqrt(d);
      a[rj + j] = ljj;
      for (let i = j + 1; i < k1; i++) {
        const ri = i * n;
        let s = a[ri + j]!;
        for (let p = k0; p < j; p++) s -= a[ri + p]! * a[rj + p]!;
        a[ri + j] = s / ljj;
      }
    }
    // 2. panel below: L[i, k0:k1] = A[i, k0:k1] · L_kk^{-T} (forward substitution per row)
    for (let i = k1; i < n; i++) {
      const ri = i * n;
      for (let j = k0; j < k1; j++) {
        const rj = j * n;
        let s = a[ri + j]!;
        for (let p = k0; p < j; p++) s -= a[ri + p]! * a[rj + p]!;
        a[ri + j] = s / a[rj + j]!;
      }
      const po = (i - k1) * nb;
      for (let p = 0; p < b; p++) panel[po + p] = a[ri + k0 + p]!;
    }
    // 3. trailing update A[i, j] -= panel_i · panel_j for k1 ≤ j ≤ i, tiled over j
    const tile = 128;
    for (let j0 = k1; j0 < n; j0 += tile) {
      const j1 = Math.min(n, j0 + tile);
      for (let i = j0; i < n; i++) {
        const ri = i * n;
        const pi = (i - k1) * nb;
        const jEnd = Math.min(j1, i + 1);
        for (let j = j0; j < jEnd; j++) {
          const pj = (j - k1) * nb;
          let s = 0;
          for (let p = 0; p < b; p++) s += panel[pi + p]! * panel[pj + p]!;
          a[ri + j]! -= s;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
}

/**
 * Inverse of a symmetric positive definite matrix through its Cholesky factor:
 * W = L⁻¹ (row-wise forward substitution), then A⁻¹ = Wᵀ·W accumulated as row axpys.
 * About n³ multiply-adds in all (⅓ factor, ⅙ triangular inverse, ⅙ product; ×2 for the
 * mirrored half).
 *
 * @param a - float64 [n·n] row-major SPD matrix (lower triangle read); overwritten (scratch)
 * @param n - order
 * @param blockSize - Cholesky panel width (default 64)
 * @returns float64 [n·n] the full symmetric inverse
 * @throws ModelsError `SINGULAR_MATRIX` (see {@link blockedCholeskyInPlace})
 * @example
 * ```ts
 * invertSpd(Float64Array.of(4, 2, 2, 3), 2); // ≈ [0.375, -0.25, -0.25, 0.5]
 * ```
 */
export function invertSpd(a: Float64Array, n: number, blockSize = 64): Float64Array {
  blockedCholeskyInPlace(a, n, blockSize);
  // W = L^{-1}, row i: W[i,:] = (e_i − Σ_{p<i} L[i,p] W[p,:]) / L[i,i], written over a's upper-free rows
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let p = 0; p < i; p++) {
      const l = a[ri + p]!;
      if (l === 0) continue;
      const rp = p * n;
      for (let j = 0; j <= p; j++) w[ri + j]! -= l * w[rp + j]!;
    }
    const inv = 1 / a[ri + i]!;
    for (let j = 0; j < i; j++) w[ri + j]! *= inv;
    w[ri + i] = inv;
  }
  // A^{-1} = Wᵀ W: (A^{-1})[i, j] = Σ_{p ≥ max(i,j)} W[p,i] W[p,j]; lower half via row axpys
  const out = a;
  out.fill(0);
  for (let p = 0; p < n; p++) {
    const rp = p * n;
    for (let i = 0; i <= p; i++) {
      const wpi = w[rp + i]!;
      if (wpi === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) out[ri + j]! += wpi * w[rp + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j]!;
  return out;
}
