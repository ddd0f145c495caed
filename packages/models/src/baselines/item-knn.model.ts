import { itemDegrees, userRow, type InteractionMatrix } from './interaction-matrix';
import { ModelsError } from '../errors';
import type { FullSortScorer } from './scorer';
import { selectTopK } from './select-top-k';

/** Options of {@link itemKnn}. */
export interface ItemKnnOptions {
  /** Neighbours kept per item column (default 100). */
  k?: number;
}

/** A fitted ItemKNN: the kept similarities by source item (CSR rows i → (j, sim(i,j))). */
export interface ItemKnnModel extends FullSortScorer {
  /** int32 [nItems + 1] */
  readonly ptr: Int32Array;
  /** int32 [nnz] target items j */
  readonly cols: Int32Array;
  /** float32 [nnz] sim(i, j) */
  readonly sims: Float32Array;
}

/**
 * Item-based kNN with cosine similarity on binary data, exactly as the Last.fm reference:
 * sim(i,j) = |U_i ∩ U_j| / (√|U_i| · √|U_j|), diagonal 0; for every target item j only the k
 * largest sim(·, j) are kept; score(u, j) = Σ_{i ∈ train(u)} sim(i, j).
 *
 * Co-occurrences are accumulated per item through the users' rows (O(Σ_u |I_u|²)), so no dense
 * item × item matrix is built.
 *
 * @param x - binary training matrix
 * @param options - {@link ItemKnnOptions}
 * @returns a {@link ItemKnnModel}
 * @throws ModelsError `INVALID_INPUT` when k is not a positive integer
 * @example
 * ```ts
 * const knn = itemKnn(x, { k: 100 });
 * ```
 */
export function itemKnn(x: InteractionMatrix, options: ItemKnnOptions = {}): ItemKnnModel {
  const k = options.k ?? 100;
  if (!(Number.isInteger(k) && k > 0)) throw new ModelsError('INVALID_INPUT', `itemKnn: k must be a positive integer, got ${k}.`);
  const n = x.nItems;
  const deg = itemDegrees(x);
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  const mark = new Uint8Array(n);
  // column j's kept sources, gathered then transposed to rows
  const colSrc: Int32Array[] = new Array<Int32Array>(n);
  const colSim: Float32Array[] = new Array<Float32Array>(n);
  const count = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    let nt = 0;
    for (let a = x.itemPtr[j]!; a < x.itemPtr[j + 1]!; a++) {
      const row = userRow(x, x.itemUsers[a]!);
      for (let b = 0; b < row.length; b++) {
        const i = row[b]!;
        if (i === j) continue;
        if (!mark[i]) {
          mark[i] = 1;
          touched[nt++] = i;
        }
        acc[i]! += 1;
      }
    }
    const cand = touched.subarray(0, nt);
    const vals = new Float64Array(nt);
    for (let t = 0; t < nt; t++) {
      const i = cand[t]!;
      vals[t] = acc[i]! / (Math.sqrt(deg[i]!) * Math.sqrt(deg[j]!));
    }
    const keep = selectTopK(vals, k);
    const src = new Int32Array(keep.length);
    const sim = new Float32Array(keep.length);
    for (let t = 0; t < keep.length; t++) {
      src[t] = cand[keep[t]!]!;
      sim[t] = vals[keep[t]!]!;
      count[src[t]! + 1]!++;
    }
    colSrc[j] = src;
    colSim[j] = sim;
    for (let t = 0; t < nt; t++) {
      acc[cand[t]!] = 0;
      mark[cand[t]!] = 0;
    }
  }
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const ptr = count;
  const fill = ptr.slice(0, n);
  const cols = new Int32Array(ptr[n]!);
  const sims = new Float32Array(ptr[n]!);
  for (let j = 0; j < n; j++) {
    const src = colSrc[j]!;
    const sim = colSim[j]!;
    for (let t = 0; t < src.length; t++) {
      const p = fill[src[t]!]!++;
      cols[p] = j;
      sims[p] = sim[t]!;
    }
  }
  return {
    name: 'itemknn',
    nItems: n,
    ptr,
    cols,
    sims,
    scoreUser(user: number, out: Float32Array): void {
      out.fill(0);
      const row = userRow(x, user);
      for (let a = 0; a < row.length; a++) {
        const i = row[a]!;
        for (let p = ptr[i]!; p < ptr[i + 1]!; p++) out[cols[p]!]! += sims[p]!;
      }
    },
  };
}
