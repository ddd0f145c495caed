import { ModelsError } from '../errors';

/**
 * In-place Cholesky factorisation of a symmetric positive-definite matrix `a` (row-major n×n,
 * Float64Array): on return the lower triangle holds L with A = L·Lᵀ (upper triangle is left as is).
 * @throws ModelsError `SINGULAR_MATRIX` when a pivot is not positive (names the row).
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = a[rowJ + j] as number;
    for (let k = 0; k < j; k++) d -= (a[rowJ + k] as number) ** 2;
    if (!(d > 0)) {
      throw new ModelsError('SINGULAR_MATRIX', `Matrix is not positive definite (pivot ${j} = ${d}); add regularisation`, { context: { row: j } });
    }
    const ljj = Math.sqrt(d);
    a[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j] as number;
      for (let k = 0; k < j; k++) s -= (a[rowI + k] as number) * (a[rowJ + k] as number);
      a[rowI + j] = s / ljj;
    }
  }
}

/** Solves A·x = b given the Cholesky factor from {@link choleskyInPlace} (lower triangle). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}
