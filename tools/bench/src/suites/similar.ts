/**
 * `npm run bench -- similar [--sizes 10000,100000] [--dim 64] [--queries 300] [--k 10]
 *   [--m 16] [--ef-construction 100] [--ef-search 64,128] [--seed 1] [--model-dir DIR]`
 *
 * Serving latency of `similarTracks(trackId, k)` over an in-memory catalogue of unit embeddings:
 * exact cosine top-k (register-blocked matmul + bounded heap) vs the pure-TS HNSW index, at each
 * size; p50/p99 latency per query, HNSW build time, and HNSW recall@k against exact search on the
 * same queries. Vectors are a seeded mixture of 500 Gaussian clusters (embeddings of real tracks
 * are clustered; uniform random vectors are the worst case for graph indexes), plus the trained
 * model's own embeddings when `--model-dir` is given. Writes artifacts/bench/similar.json.
 */
import os from 'node:os';
import { Rng } from '@tunekit/core';
import { HnswIndex, createSimilarity, loadContentEmbedding, recallAgainstExact } from '@tunekit/models';
import { percentile, writeBenchResult } from '../report';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
}

function clustered(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const centres = Float32Array.from({ length: 500 * dim }, () => rng.normal());
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.int(500);
    for (let d = 0; d < dim; d++) v[i * dim + d] = (centres[c * dim + d] as number) + rng.normal(0, 0.6);
  }
  return v;
}

interface CaseResult extends Record<string, unknown> {
  data: string;
  size: number;
  dim: number;
}

function measure(name: string, ids: number[], vectors: Float32Array, dim: number, opts: { queries: number; k: number; m: number; efConstruction: number; efSearch: number[]; seed: number }): CaseResult {
  const n = ids.length;
  const rng = new Rng(opts.seed);
  const queryIds = Array.from({ length: opts.queries }, () => ids[rng.int(n)] as number);
  const t0 = performance.now();
  const exact = createSimilarity(ids, vectors, dim, { exactLimit: Number.MAX_SAFE_INTEGER });
  const exactBuild = (performance.now() - t0) / 1000;
  for (let i = 0; i < 5; i++) exact.similarTracks(queryIds[i] as number, opts.k); // warm-up (JIT)
  const exactTimes: number[] = [];
  const truth: Int32Array[] = [];
  for (const q of queryIds) {
    const s = performance.now();
    const r = exact.similarTracks(q, opts.k);
    exactTimes.push(performance.now() - s);
    truth.push(Int32Array.from(r, (x) => x.trackId));
  }
  const t1 = performance.now();
  const hnsw = createSimilarity(ids, vectors, dim, { exactLimit: 0, hnsw: { m: opts.m, efConstruction: opts.efConstruction, seed: opts.seed } });
  const hnswBuild = (performance.now() - t1) / 1000;
  const index = hnsw.index;
  if (!(index instanceof HnswIndex)) throw new Error('expected an HNSW index');
  const hnswRuns = opts.efSearch.map((ef) => {
    index.efSearch = ef;
    for (let i = 0; i < 5; i++) hnsw.similarTracks(queryIds[i] as number, opts.k);
    const times: number[] = [];
    const got: Int32Array[] = [];
    for (const q of queryIds) {
      const s = performance.now();
      const r = hnsw.similarTracks(q, opts.k);
      times.push(performance.now() - s);
      got.push(Int32Array.from(r, (x) => x.trackId));
    }
    return { ef_search: ef, p50_ms: percentile(times, 50), p99_ms: percentile(times, 99), mean_ms: times.reduce((a, b) => a + b, 0) / times.length, [`recall@${opts.k}`]: recallAgainstExact(got, truth) };
  });
  const result: CaseResult = {
    data: name,
    size: n,
    dim,
    exact: { build_s: exactBuild, p50_ms: percentile(exactTimes, 50), p99_ms: percentile(exactTimes, 99), mean_ms: exactTimes.reduce((a, b) => a + b, 0) / exactTimes.length },
    hnsw: { m: opts.m, ef_construction: opts.efConstruction, build_s: hnswBuild, runs: hnswRuns },
    load_avg_after: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
  console.log(JSON.stringify(result));
  return result;
}

/** Runs the suite (see the file comment for flags). */
export async function run(args: string[]): Promise<void> {
  const sizes = arg(args, 'sizes', '10000,100000').split(',').map(Number);
  const dim = Number(arg(args, 'dim', '64'));
  const opts = {
    queries: Number(arg(args, 'queries', '300')),
    k: Number(arg(args, 'k', '10')),
    m: Number(arg(args, 'm', '16')),
    efConstruction: Number(arg(args, 'ef-construction', '100')),
    efSearch: arg(args, 'ef-search', '64,128').split(',').map(Number),
    seed: Number(arg(args, 'seed', '1')),
  };
  const cases: CaseResult[] = [];
  const modelDir = arg(args, 'model-dir', '');
  if (modelDir) {
    const svc = await loadContentEmbedding(modelDir);
    const v = new Float32Array(svc.trackIds.length * svc.dim);
    svc.trackIds.forEach((id, i) => v.set(svc.embedding(id), i * svc.dim));
    cases.push(measure(`model ${modelDir}`, [...svc.trackIds], v, svc.dim, opts));
  }
  for (const size of sizes) {
    const ids = Array.from({ length: size }, (_, i) => i + 1);
    cases.push(measure('clustered-gaussian', ids, clustered(size, dim, opts.seed + size), dim, opts));
  }
  const path = writeBenchResult('similar', {
    description: 'similarTracks latency: exact cosine top-k vs HNSW (pure TypeScript), and HNSW recall@k vs exact',
    goal: 'exact p99 well under 10 ms up to 100k tracks; HNSW recall@10 ≥ 0.95',
    options: { sizes, dim, ...opts, modelDir: modelDir || null },
    cases,
  });
  console.log(`wrote ${path}`);
}
