import { invertSpd } from './cholesky';
import { userRow, type InteractionMatrix } from './interaction-matrix';
import { ModelsError } from '../errors';
import type { FullSortScorer } from './scorer';

/** Options of {@link ease}. */
export interface EaseOptions {
  /** L2 regularisation λ added to the Gram diagonal (default 250, the Last.fm reference). */
  lambda?: number;
  /**
   * `primal` inverts the item Gram XᵀX + λI (nItems²), `dual` the user Gram XXᵀ + λI (nUsers²)
   * through the Woodbury identity — exact, and far cheaper when users < items. `auto` (default)
   * picks the smaller.
   */
  solver?: 'auto' | 'primal' | 'dual';
  /** Cholesky panel width (default 64). */
  blockSize?: number;
}

/** A fitted EASE model and how it was solved. */
export interface EaseModel extends FullSortScorer {
  readonly solver: 'primal' | 'dual';
  /** Order of the matrix that was inverted. */
  readonly order: number;
  /** Wall-clock seconds of building the Gram matrix and inverting it. */
  readonly solveSeconds: number;
}

/**
 * EASE (Steck 2019): G = XᵀX + λI, P = G⁻¹, B = −P / diag(P) column-wise, diag(B) = 0,
 * score = X·B.
 *
 * Dual form (Woodbury): with K = (XXᵀ + λI_users)⁻¹, P = (I − XᵀKX)/λ, so X·P = K·X and
 * P_jj = (1 − x_jᵀ K x_j)/λ (x_j = column j of X). Hence score(u, j) = −(K·X)_{uj} / P_jj + X_uj,
 * exactly the primal score, at the cost of an nUsers² inverse.
 *
 * @param x - binary training matrix
 * @param options - {@link EaseOptions}
 * @returns a fitted {@link EaseModel}
 * @throws ModelsError `INVALID_INPUT` for λ ≤ 0; `SINGULAR_MATRIX` from the solver
 * @example
 * ```ts
 * const model = ease(x, { lambda: 250 }); model.scoreUser(0, out);
 * ```
 */
export function ease(x: InteractionMatrix, options: EaseOptions = {}): EaseModel {
  const lambda = options.lambda ?? 250;
  if (!(lambda > 0)) throw new ModelsError('INVALID_INPUT', `ease: lambda must be > 0, got ${lambda}.`);
  const requested = options.solver ?? 'auto';
  const solver = requested === 'auto' ? (x.nUsers < x.nItems ? 'dual' : 'primal') : requested;
  const started = performance.now();
  return solver === 'primal' ? easePrimal(x, lambda, options.blockSize, started) : easeDual(x, lambda, options.blockSize, started);
}

/** Gram of the rows of a CSR pattern (rows × rows), plus λ on the diagonal; float64 row-major. */
function gram(ptr: Int32Array, idx: Int32Array, colPtr: Int32Array, colIdx: Int32Array, n: number, lambda: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const gr = r * n;
    for (let a = ptr[r]!; a < ptr[r + 1]!; a++) {
      const c = idx[a]!;
      for (let b = colPtr[c]!; b < colPtr[c + 1]!; b++) g[gr + colIdx[b]!]! += 1;
    }
    g[gr + r]! += lambda;
  }
  return g;
}

function easePrimal(x: InteractionMatrix, lambda: number, blockSize: number | undefined, started: number): EaseModel {
  const n = x.nItems;
  const p = invertSpd(gram(x.itemPtr, x.itemUsers, x.userPtr, x.userItems, n, lambda), n, blockSize);
  const bmat = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) bmat[i * n + j] = -p[i * n + j]! / p[j * n + j]!;
  const solveSeconds = (performance.now() - started) / 1000;
  return {
    name: 'ease',
    nItems: n,
    solver: 'primal',
    order: n,
    solveSeconds,
    scoreUser(user: number, out: Float32Array): void {
      out.fill(0);
      const row = userRow(x, user);
      for (let a = 0; a < row.length; a++) {
        const base = row[a]! * n;
        for (let j = 0; j < n; j++) out[j]! += bmat[base + j]!;
      }
    },
  };
}

function easeDual(x: InteractionMatrix, lambda: number, blockSize: number | undefined, started: number): EaseModel {
  const nu = x.nUsers;
  const ni = x.nItems;
  const k = invertSpd(gram(x.userPtr, x.userItems, x.itemPtr, x.itemUsers, nu, lambda), nu, blockSize);
  // 1 / P_jj = λ / (1 − x_jᵀ K x_j)
  const invPjj = new Float64Array(ni);
  for (let j = 0; j < ni; j++) {
    const a0 = x.itemPtr[j]!;
    const a1 = x.itemPtr[j + 1]!;
    let q = 0;
    for (let a = a0; a < a1; a++) {
      const kv = x.itemUsers[a]! * nu;
      for (let b = a0; b < a1; b++) q += k[kv + x.itemUsers[b]!]!;
    }
    invPjj[j] = lambda / (1 - q);
  }
  const solveSeconds = (performance.now() - started) / 1000;
  return {
    name: 'ease',
    nItems: ni,
    solver: 'dual',
    order: nu,
    solveSeconds,
    scoreUser(user: number, out: Float32Array): void {
      const ku = user * nu;
      for (let j = 0; j < ni; j++) {
        let s = 0;
        for (let a = x.itemPtr[j]!; a < x.itemPtr[j + 1]!; a++) s += k[ku + x.itemUsers[a]!]!;
        out[j] = -s * invPjj[j]!;
      }
      const row = userRow(x, user);
      for (let a = 0; a < row.length; a++) out[row[a]!]! += 1;
    },
  };
}
