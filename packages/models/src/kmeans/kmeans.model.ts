import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';
import { kmeansConfigSchema, type KMeansConfigInput } from './kmeans.config';
import { checkMatrix } from './standard-scaler';

/** A fitted k-means model: plain JSON (centroids in the space it was fitted in). */
export interface KMeansModel {
  /** Number of clusters. */
  k: number;
  /** Width of a point. */
  dim: number;
  /** `[k][dim]` cluster centres. */
  centroids: number[][];
  /** Sum of squared distances of the fitting points to their centre (best restart). */
  inertia: number;
  /** Lloyd iterations of the best restart. */
  iterations: number;
  /** Seed the fit used. */
  seed: number;
}

const kmeansModelSchema = z
  .object({
    k: z.number().int().min(1),
    dim: z.number().int().min(1),
    centroids: z.array(z.array(z.number())),
    inertia: z.number(),
    iterations: z.number().int(),
    seed: z.number().int(),
  })
  .strict();

/**
 * Fits k-means (Lloyd) with greedy k-means++ initialisation, `nInit` seeded restarts, keeping the
 * restart with the lowest inertia. An emptied cluster is re-seeded with the point farthest from
 * its centre. Deterministic for a given seed.
 *
 * @param data - row-major `[n, dim]` (float32/float64/number[]); scale features first
 * @param dim - point width
 * @param options - `k`, `nInit` (10), `maxIter` (300), `tol` (1e-6), `seed` (42)
 * @returns the fitted {@link KMeansModel}
 * @throws ModelsError `INVALID_CONFIG` when k > n, on bad options or non-finite data; `SHAPE_MISMATCH`
 * @example
 * ```ts
 * const model = fitKMeans(points, 5, { k: 8, nInit: 10, seed: 42 });
 * const labels = assignNearest(model, points);
 * ```
 */
export function fitKMeans(data: ArrayLike<number>, dim: number, options: KMeansConfigInput): KMeansModel {
  const parsed = kmeansConfigSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelsError('INVALID_CONFIG', `k-means option ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`, { context: { key: issue?.path.join('.') } });
  }
  const cfg = parsed.data;
  checkMatrix(data, dim, 'data');
  const n = data.length / dim;
  if (cfg.k > n) throw new ModelsError('INVALID_CONFIG', `k-means: k=${cfg.k} exceeds the number of points ${n}`, { context: { key: 'k', k: cfg.k, n } });
  const x = Float64Array.from(data as ArrayLike<number>);
  const root = new Rng(cfg.seed);
  let best: { centroids: Float64Array; inertia: number; iterations: number } | undefined;
  for (let r = 0; r < cfg.nInit; r++) {
    const rng = root.fork(r);
    const run = lloyd(x, n, dim, cfg.k, initPlusPlus(x, n, dim, cfg.k, rng), cfg.maxIter, cfg.tol);
    if (best === undefined || run.inertia < best.inertia) best = run;
  }
  const b = best as { centroids: Float64Array; inertia: number; iterations: number };
  const centroids: number[][] = [];
  for (let c = 0; c < cfg.k; c++) centroids.push(Array.from(b.centroids.subarray(c * dim, (c + 1) * dim)));
  return { k: cfg.k, dim, centroids, inertia: b.inertia, iterations: b.iterations, seed: cfg.seed };
}

/**
 * Nearest-centroid assignment (squared Euclidean; ties → lowest cluster index).
 *
 * @param model - a fitted {@link KMeansModel}
 * @param data - row-major `[n, model.dim]`
 * @returns int32 `[n]` cluster index per point
 * @throws ModelsError `SHAPE_MISMATCH` when the width differs from `model.dim`, `INVALID_ARGUMENT` on non-finite values
 * @example
 * ```ts
 * const labels = assignNearest(model, Float64Array.from([0.1, -0.3]));
 * ```
 */
export function assignNearest(model: KMeansModel, data: ArrayLike<number>): Int32Array {
  checkMatrix(data, model.dim, 'data');
  const n = data.length / model.dim;
  const flat = Float64Array.from(model.centroids.flat());
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = nearest(data, i * model.dim, flat, model.k, model.dim).index;
  return out;
}

/**
 * Checks an untrusted object (e.g. parsed JSON) and returns it as a k-means model.
 *
 * @param value - parsed JSON
 * @param where - file or key named in the error
 * @returns the model
 * @throws ModelsError `ARTIFACT_CORRUPT` naming the bad key
 * @example
 * ```ts
 * const model = kmeansFromJson(JSON.parse(text), 'kmeans.json');
 * ```
 */
export function kmeansFromJson(value: unknown, where = 'k-means model'): KMeansModel {
  const parsed = kmeansModelSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelsError('ARTIFACT_CORRUPT', `${where}: key ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, { context: { where, key: issue?.path.join('.') } });
  }
  const m = parsed.data;
  if (m.centroids.length !== m.k || m.centroids.some((c) => c.length !== m.dim)) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${where}: centroids must be ${m.k} rows of ${m.dim} numbers`, { context: { where, key: 'centroids' } });
  }
  return m;
}

/**
 * Writes a model as JSON atomically (temp file, then rename).
 *
 * @param path - destination `.json`
 * @param model - the model
 * @example
 * ```ts
 * saveKMeans('artifacts/kmeans.json', model);
 * ```
 */
export function saveKMeans(path: string, model: KMeansModel): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(model));
  renameSync(tmp, path);
}

/**
 * Reads a model written by {@link saveKMeans}.
 *
 * @param path - the `.json` file
 * @returns the validated model
 * @throws ModelsError `ARTIFACT_CORRUPT` when the file is missing, not JSON or malformed
 * @example
 * ```ts
 * const model = loadKMeans('artifacts/kmeans.json');
 * ```
 */
export function loadKMeans(path: string): KMeansModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelsError('ARTIFACT_NOT_FOUND', `cannot read k-means model ${path}: ${(e as Error).message}; train a model first`, { cause: e, context: { file: path } });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${path} is not valid JSON: ${(e as Error).message}`, { cause: e, context: { file: path } });
  }
  return kmeansFromJson(json, path);
}

function nearest(x: ArrayLike<number>, off: number, cent: Float64Array, k: number, dim: number): { index: number; dist: number } {
  let bi = 0;
  let bd = Infinity;
  for (let c = 0; c < k; c++) {
    let d = 0;
    const co = c * dim;
    for (let j = 0; j < dim; j++) {
      const t = (x[off + j] as number) - (cent[co + j] as number);
      d += t * t;
    }
    if (d < bd) {
      bd = d;
      bi = c;
    }
  }
  return { index: bi, dist: bd };
}

function sqDist(x: Float64Array, i: number, y: Float64Array, j: number, dim: number): number {
  let d = 0;
  for (let t = 0; t < dim; t++) {
    const v = (x[i * dim + t] as number) - (y[j * dim + t] as number);
    d += v * v;
  }
  return d;
}

/** Greedy k-means++ (Arthur & Vassilvitskii 2007; 2 + ln k candidates per step, as scikit-learn). */
function initPlusPlus(x: Float64Array, n: number, dim: number, k: number, rng: Rng): Float64Array {
  const cent = new Float64Array(k * dim);
  const first = rng.int(n);
  cent.set(x.subarray(first * dim, (first + 1) * dim), 0);
  const closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = sqDist(x, i, cent, 0, dim);
  const trials = 2 + Math.floor(Math.log(k));
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += closest[i] as number;
    let bestCand = -1;
    let bestPot = Infinity;
    let bestDists: Float64Array | undefined;
    for (let t = 0; t < trials; t++) {
      let cand: number;
      if (total > 0) {
        let r = rng.next() * total;
        cand = n - 1;
        for (let i = 0; i < n; i++) {
          r -= closest[i] as number;
          if (r < 0) {
            cand = i;
            break;
          }
        }
      } else cand = rng.int(n);
      const d = new Float64Array(n);
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i] as number, sqDist(x, i, x, cand, dim));
        d[i] = v;
        pot += v;
      }
      if (pot < bestPot) {
        bestPot = pot;
        bestCand = cand;
        bestDists = d;
      }
    }
    cent.set(x.subarray(bestCand * dim, (bestCand + 1) * dim), c * dim);
    closest.set(bestDists as Float64Array);
  }
  return cent;
}

function lloyd(x: Float64Array, n: number, dim: number, k: number, cent: Float64Array, maxIter: number, tol: number): { centroids: Float64Array; inertia: number; iterations: number } {
  const labels = new Int32Array(n);
  const dists = new Float64Array(n);
  let prev = Infinity;
  let inertia = Infinity;
  let it = 0;
  for (; it < maxIter; it++) {
    inertia = 0;
    for (let i = 0; i < n; i++) {
      const r = nearest(x, i * dim, cent, k, dim);
      labels[i] = r.index;
      dists[i] = r.dist;
      inertia += r.dist;
    }
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      counts[c] = (counts[c] as number) + 1;
      for (let j = 0; j < dim; j++) sums[c * dim + j] = (sums[c * dim + j] as number) + (x[i * dim + j] as number);
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Empty cluster: move it onto the point currently worst served.
        let far = 0;
        for (let i = 1; i < n; i++) if ((dists[i] as number) > (dists[far] as number)) far = i;
        cent.set(x.subarray(far * dim, (far + 1) * dim), c * dim);
        dists[far] = 0;
      } else for (let j = 0; j < dim; j++) cent[c * dim + j] = (sums[c * dim + j] as number) / (counts[c] as number);
    }
    if (Math.abs(prev - inertia) <= tol * Math.max(inertia, 1e-12)) {
      it++;
      break;
    }
    prev = inertia;
  }
  // Final inertia against the final centres.
  let final = 0;
  for (let i = 0; i < n; i++) final += nearest(x, i * dim, cent, k, dim).dist;
  return { centroids: cent, inertia: final, iterations: it };
}
