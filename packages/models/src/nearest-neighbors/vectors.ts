import { ModelsError } from '../errors';

/**
 * Checks that `matrix` is a finite float32 `[rows, dim]` matrix stored row-major and returns the
 * row count.
 *
 * @param matrix - float32 `[rows, dim]`, row-major
 * @param dim - columns per row (positive integer)
 * @param what - names the matrix in error messages
 * @returns number of rows
 * @throws ModelsError `SHAPE_MISMATCH` when the length is not a multiple of `dim`,
 *   `INVALID_INPUT` for a bad `dim` or a non-finite value (the message gives row and column)
 * @example
 * ```ts
 * rowCount(new Float32Array(6), 3, 'vectors'); // 2
 * ```
 */
export function rowCount(matrix: Float32Array, dim: number, what: string): number {
  if (!Number.isInteger(dim) || dim <= 0) throw new ModelsError('INVALID_INPUT', `${what}: dim must be a positive integer, got ${dim}.`, { context: { dim } });
  if (matrix.length % dim !== 0) {
    throw new ModelsError('SHAPE_MISMATCH', `${what}: length ${matrix.length} is not a multiple of dim ${dim}; pass a row-major [rows, ${dim}] Float32Array.`, {
      context: { length: matrix.length, dim },
    });
  }
  for (let i = 0; i < matrix.length; i++) {
    if (!Number.isFinite(matrix[i] as number)) {
      const row = Math.floor(i / dim);
      throw new ModelsError('INVALID_INPUT', `${what}: value at row ${row}, column ${i % dim} is ${matrix[i]}; every value must be finite.`, {
        context: { row, column: i % dim },
      });
    }
  }
  return matrix.length / dim;
}

/**
 * Copies `matrix` with every row scaled to unit L2 norm (a zero row stays zero), so cosine
 * similarity becomes a dot product.
 *
 * @param matrix - float32 `[rows, dim]`, row-major
 * @param dim - columns per row
 * @returns float32 `[rows, dim]`, a new array
 * @throws ModelsError see {@link rowCount}
 * @example
 * ```ts
 * normalizeRows(new Float32Array([3, 4]), 2); // [0.6, 0.8]
 * ```
 */
export function normalizeRows(matrix: Float32Array, dim: number): Float32Array {
  const rows = rowCount(matrix, dim, 'normalizeRows');
  const out = new Float32Array(matrix.length);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let s = 0;
    for (let d = 0; d < dim; d++) s += (matrix[o + d] as number) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dim; d++) out[o + d] = (matrix[o + d] as number) * inv;
  }
  return out;
}

/**
 * Dot product of row `a` of `x` with row `b` of `y` (both `dim` wide), unrolled by four.
 *
 * @param x - float32 row-major matrix
 * @param ao - offset of the first row (`a * dim`)
 * @param y - float32 row-major matrix
 * @param bo - offset of the second row (`b * dim`)
 * @param dim - row width
 * @returns the dot product
 * @example
 * ```ts
 * dotAt(new Float32Array([1, 2]), 0, new Float32Array([3, 4]), 0, 2); // 11
 * ```
 */
export function dotAt(x: Float32Array, ao: number, y: Float32Array, bo: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += (x[ao + d] as number) * (y[bo + d] as number);
    s1 += (x[ao + d + 1] as number) * (y[bo + d + 1] as number);
    s2 += (x[ao + d + 2] as number) * (y[bo + d + 2] as number);
    s3 += (x[ao + d + 3] as number) * (y[bo + d + 3] as number);
  }
  for (; d < dim; d++) s0 += (x[ao + d] as number) * (y[bo + d] as number);
  return s0 + s1 + s2 + s3;
}
