import { ModelsError } from '../errors';
import { checkMatrix } from '../kmeans/standard-scaler';

/** One neighbour: its row in the index and its squared Euclidean distance. */
export interface Neighbour {
  index: number;
  distance: number;
}

/**
 * Exact (brute-force) k-nearest-neighbour index over points in a fixed space, e.g. scaled true
 * or predicted audio features. Small catalogues (≤ 1e5 points) only: O(n·dim) per query.
 *
 * @example
 * ```ts
 * const index = new KnnIndex(points, 5);
 * const [first] = index.query(Float64Array.from([0, 0, 0, 0, 0]), 10);
 * ```
 */
export class KnnIndex {
  private readonly points: Float64Array;
  /** Number of points. */
  readonly size: number;

  /**
   * @param points - row-major `[n, dim]`, finite
   * @param dim - point width
   * @throws ModelsError `SHAPE_MISMATCH` / `INVALID_ARGUMENT`
   */
  constructor(
    points: ArrayLike<number>,
    readonly dim: number,
  ) {
    checkMatrix(points, dim, 'points');
    this.points = Float64Array.from(points as ArrayLike<number>);
    this.size = points.length / dim;
  }

  /**
   * The `k` nearest points to `q`, closest first (ties → lower index).
   *
   * @param q - one point `[dim]`
   * @param k - how many (capped at the index size)
   * @param exclude - an index to skip (e.g. the query's own row)
   * @returns neighbours sorted by distance
   * @throws ModelsError `INVALID_CONFIG` on k < 1, `SHAPE_MISMATCH` on a wrong width
   */
  query(q: ArrayLike<number>, k: number, exclude = -1): Neighbour[] {
    if (!Number.isInteger(k) || k < 1) throw new ModelsError('INVALID_CONFIG', `knn: k must be an integer >= 1, got ${k}`, { context: { key: 'k' } });
    if (q.length !== this.dim) throw new ModelsError('SHAPE_MISMATCH', `knn: query has ${q.length} values, the index has dim ${this.dim}`, { context: { key: 'q' } });
    const kk = Math.min(k, this.size - (exclude >= 0 && exclude < this.size ? 1 : 0));
    const best: Neighbour[] = [];
    for (let i = 0; i < this.size; i++) {
      if (i === exclude) continue;
      let d = 0;
      for (let j = 0; j < this.dim; j++) {
        const t = (q[j] as number) - (this.points[i * this.dim + j] as number);
        d += t * t;
      }
      if (best.length < kk || d < (best[best.length - 1] as Neighbour).distance) {
        let pos = best.length;
        while (pos > 0 && (best[pos - 1] as Neighbour).distance > d) pos--;
        best.splice(pos, 0, { index: i, distance: d });
        if (best.length > kk) best.pop();
      }
    }
    return best;
  }

  /**
   * KNN regression: the mean of `targets` over the `k` nearest points.
   *
   * @param q - one point `[dim]`
   * @param targets - row-major `[size, tdim]` values to average
   * @param tdim - target width
   * @param k - neighbours
   * @returns float64 `[tdim]`
   * @throws ModelsError `SHAPE_MISMATCH` when targets do not have `size` rows
   */
  regress(q: ArrayLike<number>, targets: ArrayLike<number>, tdim: number, k: number): Float64Array {
    if (targets.length !== this.size * tdim) throw new ModelsError('SHAPE_MISMATCH', `knn: targets length ${targets.length} != size ${this.size} × ${tdim}`, { context: { key: 'targets' } });
    const out = new Float64Array(tdim);
    const nn = this.query(q, k);
    for (const n of nn) for (let j = 0; j < tdim; j++) out[j] = (out[j] as number) + (targets[n.index * tdim + j] as number) / nn.length;
    return out;
  }
}
