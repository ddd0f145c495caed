import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';

/** Hyper-parameters of {@link fitGradientBoosting}. */
export interface GradientBoostingOptions {
  /** Boosting rounds at most. */
  nTrees: number;
  /** Shrinkage per tree. */
  learningRate: number;
  /** Maximum tree depth. */
  maxDepth: number;
  /** Minimum rows in a leaf. */
  minLeaf: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Row subsample per tree (1 = all). */
  subsample: number;
  /** Histogram bins per feature (≤ 255). */
  maxBins: number;
  /** Seed of the row subsampling. */
  seed: number;
}

/** A fitted tree ensemble (plain JSON). Nodes: `[feature, threshold, left, right]` or leaf `[-1, value]`. */
export interface GradientBoostingModel {
  base: number;
  learningRate: number;
  trees: number[][][];
}

/** Binned training matrix shared by several targets (bin edges fitted on the training rows). */
export interface BinnedMatrix {
  n: number;
  dim: number;
  /** `[dim][bins-1]` upper edges: value ≤ edges[b] goes to bin ≤ b. */
  edges: number[][];
  /** column-major bin codes `[dim][n]` */
  codes: Uint8Array;
}

/**
 * Bins a row-major matrix by per-feature quantiles (histogram gradient boosting, as LightGBM /
 * scikit-learn HistGradientBoosting).
 *
 * @param x - float row-major `[n, dim]`
 * @param dim - width
 * @param maxBins - bins per feature (2..255)
 * @returns the binned matrix
 * @throws ModelsError `SHAPE_MISMATCH`
 */
export function binMatrix(x: ArrayLike<number>, dim: number, maxBins = 255): BinnedMatrix {
  if (x.length % dim !== 0) throw new ModelsError('SHAPE_MISMATCH', `binMatrix: length ${x.length} is not a multiple of ${dim}`);
  const n = x.length / dim;
  const edges: number[][] = [];
  const codes = new Uint8Array(n * dim);
  const col = new Float64Array(n);
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i < n; i++) col[i] = x[i * dim + j] as number;
    const sorted = Float64Array.from(col).sort();
    const uniq: number[] = [];
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) uniq.push(sorted[i] as number);
    const e: number[] = [];
    if (uniq.length <= maxBins) {
      for (let u = 0; u + 1 < uniq.length; u++) e.push(((uniq[u] as number) + (uniq[u + 1] as number)) / 2);
    } else {
      for (let b = 1; b < maxBins; b++) {
        const v = sorted[Math.floor((b * n) / maxBins)] as number;
        if (e.length === 0 || v > (e[e.length - 1] as number)) e.push(v);
      }
    }
    edges.push(e);
    for (let i = 0; i < n; i++) codes[j * n + i] = binOf(e, col[i] as number);
  }
  return { n, dim, edges, codes };
}

function binOf(e: number[], v: number): number {
  let lo = 0;
  let hi = e.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (e[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Fits least-squares gradient-boosted regression trees on a binned matrix. When `valid` is given,
 * records the validation MSE after every tree (for choosing the number of trees).
 *
 * @param m - binned training matrix `[n, dim]`
 * @param y - float `[n]` target
 * @param options - see {@link GradientBoostingOptions}
 * @param valid - optional validation rows (raw values, row-major) and targets
 * @returns the model, and the validation curve (MSE after tree t at index t-1) when asked
 * @throws ModelsError `SHAPE_MISMATCH` when y has the wrong length
 * @example
 * ```ts
 * const { model } = fitGradientBoosting(binMatrix(x, dim), y, { nTrees: 300, learningRate: 0.05, maxDepth: 5, minLeaf: 20, lambda: 1, subsample: 0.8, maxBins: 255, seed: 1 });
 * ```
 */
export function fitGradientBoosting(
  m: BinnedMatrix,
  y: ArrayLike<number>,
  options: GradientBoostingOptions,
  valid?: { x: ArrayLike<number>; y: ArrayLike<number> },
): { model: GradientBoostingModel; validCurve: number[] } {
  const { n, dim } = m;
  if (y.length !== n) throw new ModelsError('SHAPE_MISMATCH', `fitGradientBoosting: y has ${y.length} values for ${n} rows`);
  let base = 0;
  for (let i = 0; i < n; i++) base += y[i] as number;
  base /= n;
  const pred = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const rng = new Rng(options.seed);
  const trees: number[][][] = [];
  const validCurve: number[] = [];
  const nv = valid ? valid.y.length : 0;
  const vpred = new Float64Array(nv).fill(base);
  const nb = m.edges.map((e) => e.length + 1);
  // Row-major copy of the codes: one pass over a row fills every feature's histogram.
  const rowCodes = new Uint8Array(n * dim);
  for (let f = 0; f < dim; f++) for (let i = 0; i < n; i++) rowCodes[i * dim + f] = m.codes[f * n + i] as number;
  for (let t = 0; t < options.nTrees; t++) {
    for (let i = 0; i < n; i++) grad[i] = (y[i] as number) - (pred[i] as number);
    let rows: Int32Array;
    if (options.subsample < 1) {
      const keep: number[] = [];
      for (let i = 0; i < n; i++) if (rng.next() < options.subsample) keep.push(i);
      rows = Int32Array.from(keep);
    } else rows = Int32Array.from({ length: n }, (_, i) => i);
    const nodes: number[][] = [];
    // Depth-first build with histogram subtraction: the smaller child is histogrammed, the
    // larger one is parent minus smaller (LightGBM's trick), halving the work per level.
    const histogram = (idx: Int32Array): { g: Float64Array; c: Float64Array } => {
      const g = new Float64Array(dim * 256);
      const c = new Float64Array(dim * 256);
      for (let r = 0; r < idx.length; r++) {
        const i = idx[r] as number;
        const gi = grad[i] as number;
        const ro = i * dim;
        for (let f = 0; f < dim; f++) {
          const k = f * 256 + (rowCodes[ro + f] as number);
          g[k] = (g[k] as number) + gi;
          c[k] = (c[k] as number) + 1;
        }
      }
      return { g, c };
    };
    const build = (idx: Int32Array, depth: number, h: { g: Float64Array; c: Float64Array } | null): number => {
      const id = nodes.length;
      nodes.push([]);
      let sum = 0;
      for (let r = 0; r < idx.length; r++) sum += grad[idx[r] as number] as number;
      const cnt = idx.length;
      const leafValue = sum / (cnt + options.lambda);
      if (depth >= options.maxDepth || cnt < 2 * options.minLeaf) {
        nodes[id] = [-1, leafValue];
        return id;
      }
      const hist = h ?? histogram(idx);
      const parentScore = (sum * sum) / (cnt + options.lambda);
      let bestGain = 1e-12;
      let bestF = -1;
      let bestB = -1;
      for (let f = 0; f < dim; f++) {
        const bins = nb[f] as number;
        if (bins < 2) continue;
        let gl = 0;
        let cl = 0;
        const o = f * 256;
        for (let b = 0; b < bins - 1; b++) {
          gl += hist.g[o + b] as number;
          cl += hist.c[o + b] as number;
          if (cl < options.minLeaf) continue;
          const cr = cnt - cl;
          if (cr < options.minLeaf) break;
          const gr = sum - gl;
          const gain = (gl * gl) / (cl + options.lambda) + (gr * gr) / (cr + options.lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestB = b;
          }
        }
      }
      if (bestF < 0) {
        nodes[id] = [-1, leafValue];
        return id;
      }
      const left = new Int32Array(cnt);
      const right = new Int32Array(cnt);
      let nl = 0;
      let nr = 0;
      for (let r = 0; r < cnt; r++) {
        const i = idx[r] as number;
        if ((rowCodes[i * dim + bestF] as number) <= bestB) left[nl++] = i;
        else right[nr++] = i;
      }
      const li = left.subarray(0, nl);
      const ri = right.subarray(0, nr);
      let hl: { g: Float64Array; c: Float64Array } | null = null;
      let hr: { g: Float64Array; c: Float64Array } | null = null;
      if (depth + 1 < options.maxDepth) {
        const small = histogram(nl <= nr ? li : ri);
        const big = { g: new Float64Array(dim * 256), c: new Float64Array(dim * 256) };
        for (let k = 0; k < big.g.length; k++) {
          big.g[k] = (hist.g[k] as number) - (small.g[k] as number);
          big.c[k] = (hist.c[k] as number) - (small.c[k] as number);
        }
        if (nl <= nr) {
          hl = small;
          hr = big;
        } else {
          hl = big;
          hr = small;
        }
      }
      const l = build(li, depth + 1, hl);
      const rr = build(ri, depth + 1, hr);
      nodes[id] = [bestF, (m.edges[bestF] as number[])[bestB] as number, l, rr];
      return id;
    };
    build(rows, 0, null);
    const scaled = nodes.map((nd) => (nd[0] === -1 ? [-1, (nd[1] as number) * options.learningRate] : nd));
    trees.push(scaled);
    // Update predictions of all training rows (not just the subsample) by walking codes.
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (;;) {
        const nd = scaled[k] as number[];
        if (nd[0] === -1) {
          pred[i] = (pred[i] as number) + (nd[1] as number);
          break;
        }
        const f = nd[0] as number;
        const v = m.codes[f * n + i] as number;
        const e = m.edges[f] as number[];
        // bin v <= split bin  ⟺  raw value <= threshold
        k = v < e.length && (e[v] as number) <= (nd[1] as number) ? (nd[2] as number) : (nd[3] as number);
      }
    }
    if (valid) {
      let se = 0;
      for (let i = 0; i < nv; i++) {
        vpred[i] = (vpred[i] as number) + walk(scaled, valid.x, i * dim);
        const d = (valid.y[i] as number) - (vpred[i] as number);
        se += d * d;
      }
      validCurve.push(se / nv);
    }
  }
  return { model: { base, learningRate: options.learningRate, trees }, validCurve };
}

function walk(tree: number[][], x: ArrayLike<number>, off: number): number {
  let k = 0;
  for (;;) {
    const nd = tree[k] as number[];
    if (nd[0] === -1) return nd[1] as number;
    k = (x[off + (nd[0] as number)] as number) <= (nd[1] as number) ? (nd[2] as number) : (nd[3] as number);
  }
}

/**
 * Predicts with a fitted ensemble.
 *
 * @param model - from {@link fitGradientBoosting}
 * @param x - float row-major `[n, dim]`
 * @param dim - width (as trained)
 * @param nTrees - use only the first trees (default all)
 * @returns float64 `[n]`
 * @example
 * ```ts
 * const yHat = predictGradientBoosting(model, x, dim);
 * ```
 */
export function predictGradientBoosting(model: GradientBoostingModel, x: ArrayLike<number>, dim: number, nTrees = model.trees.length): Float64Array {
  const n = x.length / dim;
  const out = new Float64Array(n).fill(model.base);
  const trees = model.trees.slice(0, nTrees);
  for (let i = 0; i < n; i++) {
    let s = model.base;
    for (const t of trees) s += walk(t, x, i * dim);
    out[i] = s;
  }
  return out;
}
