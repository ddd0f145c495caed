import { ModelsError } from '../errors';
import { TopK, type Neighbors } from './top-k';
import { dotAt, normalizeRows, rowCount } from './vectors';

/** Options of a nearest-neighbour query. */
export interface SearchOptions {
  /** A row index to leave out of the result (typically the query's own row). */
  exclude?: number;
}

/** What both {@link ExactCosineIndex} and the HNSW index offer. */
export interface CosineIndex {
  /** `exact` or `hnsw`. */
  readonly kind: 'exact' | 'hnsw';
  /** Number of indexed rows. */
  readonly size: number;
  /** Vector width. */
  readonly dim: number;
  /**
   * The `k` rows most cosine-similar to `query`, best first.
   * @param query - float32 `[dim]` (need not be normalised)
   * @param k - positive integer; fewer are returned when the index is smaller
   */
  search(query: Float32Array, k: number, options?: SearchOptions): Neighbors;
  /** Row `row` of the indexed (unit-norm) matrix, as a copy: float32 `[dim]`. */
  vector(row: number): Float32Array;
}

/**
 * `out[j] = q · m[j]` for every row of `m`: a [1, dim] × [dim, rows] matmul, register-blocked
 * over four rows (each query value is loaded once per four rows; four independent accumulator
 * chains). Measured ~1.5× faster than one dot product per row in V8.
 */
function scoreRows(q: Float32Array, qo: number, m: Float32Array, rows: number, dim: number, out: Float32Array): void {
  let j = 0;
  for (; j + 3 < rows; j += 4) {
    const o0 = j * dim;
    const o1 = o0 + dim;
    const o2 = o1 + dim;
    const o3 = o2 + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < dim; d++) {
      const qd = q[qo + d] as number;
      s0 += qd * (m[o0 + d] as number);
      s1 += qd * (m[o1 + d] as number);
      s2 += qd * (m[o2 + d] as number);
      s3 += qd * (m[o3 + d] as number);
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < rows; j++) out[j] = dotAt(q, qo, m, j * dim, dim);
}

export function checkK(k: number): void {
  if (!Number.isInteger(k) || k <= 0) throw new ModelsError('INVALID_INPUT', `k must be a positive integer, got ${k}.`, { context: { k } });
}

export function unitQuery(query: Float32Array, dim: number): Float32Array {
  if (query.length !== dim) {
    throw new ModelsError('SHAPE_MISMATCH', `query has ${query.length} values but the index holds ${dim}-dimensional vectors.`, { context: { got: query.length, dim } });
  }
  return normalizeRows(query, dim);
}

/**
 * Exact cosine top-k over a float32 matrix held in memory: scores are dot products of unit rows,
 * computed as a register-blocked matmul over all rows and selected with a bounded heap.
 * Ties are broken by the lower row index, so results are deterministic.
 *
 * Cost per query is `size × dim` multiply-adds: ~6.4 M for 100k × 64.
 *
 * @example
 * ```ts
 * const index = ExactCosineIndex.build(vectors, 64);
 * const { indices, scores } = index.search(vectors.subarray(0, 64), 10, { exclude: 0 });
 * ```
 */
export class ExactCosineIndex implements CosineIndex {
  readonly kind = 'exact' as const;
  readonly size: number;

  private constructor(
    private readonly unit: Float32Array,
    readonly dim: number,
  ) {
    this.size = unit.length / dim;
  }

  /**
   * Builds the index over a copy of `vectors` with rows scaled to unit norm.
   *
   * @param vectors - float32 `[rows, dim]`, row-major
   * @param dim - vector width
   * @returns the index
   * @throws ModelsError `SHAPE_MISMATCH`, `INVALID_INPUT` (non-finite values)
   */
  static build(vectors: Float32Array, dim: number): ExactCosineIndex {
    rowCount(vectors, dim, 'ExactCosineIndex.build');
    return new ExactCosineIndex(normalizeRows(vectors, dim), dim);
  }

  /** @inheritdoc */
  vector(row: number): Float32Array {
    if (!Number.isInteger(row) || row < 0 || row >= this.size) {
      throw new ModelsError('INVALID_INPUT', `row ${row} is outside the index (0..${this.size - 1}).`, { context: { row } });
    }
    return this.unit.slice(row * this.dim, (row + 1) * this.dim);
  }

  /**
   * @inheritdoc
   * @throws ModelsError `INVALID_INPUT` (bad k), `SHAPE_MISMATCH` (query width)
   */
  search(query: Float32Array, k: number, options: SearchOptions = {}): Neighbors {
    const [first] = this.searchBatch(query, k, options.exclude === undefined ? undefined : Int32Array.of(options.exclude));
    return first as Neighbors;
  }

  /**
   * Top-k for many queries: per query a [1, dim] × [dim, rows] register-blocked matmul into a
   * reused score buffer, then a bounded-heap scan.
   *
   * @param queries - float32 `[q, dim]`, row-major (need not be normalised)
   * @param k - positive integer
   * @param exclude - optional int32 `[q]`: row to leave out for each query (−1 for none)
   * @returns one {@link Neighbors} per query
   * @throws ModelsError `INVALID_INPUT`, `SHAPE_MISMATCH`
   */
  searchBatch(queries: Float32Array, k: number, exclude?: Int32Array): Neighbors[] {
    checkK(k);
    const { dim, size, unit } = this;
    const q = rowCount(queries, dim, 'ExactCosineIndex.searchBatch');
    if (exclude && exclude.length !== q) {
      throw new ModelsError('SHAPE_MISMATCH', `exclude has ${exclude.length} entries for ${q} queries.`, { context: { exclude: exclude.length, queries: q } });
    }
    const qs = normalizeRows(queries, dim);
    const kk = Math.min(k, size);
    const out: Neighbors[] = [];
    const heap = new TopK(Math.max(1, kk));
    const scores = new Float32Array(size);
    for (let qi = 0; qi < q; qi++) {
      scoreRows(qs, qi * dim, unit, size, dim, scores);
      heap.clear();
      const skip = exclude ? (exclude[qi] as number) : -1;
      for (let j = 0; j < size; j++) {
        const s = scores[j] as number;
        if (s < heap.threshold || j === skip) continue;
        heap.push(j, s);
      }
      out.push(kk === 0 ? { indices: new Int32Array(0), scores: new Float32Array(0) } : heap.result());
    }
    return out;
  }
}
