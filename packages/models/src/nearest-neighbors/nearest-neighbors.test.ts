import { describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { buildCosineIndex, recallAgainstExact } from './cosine-index';
import { ModelsError } from '../errors';
import { ExactCosineIndex } from './exact-index';
import { HnswIndex } from './hnsw-index';
import { TfjsCosineIndex } from './tfjs-exact-index';
import { TopK } from './top-k';

function randomVectors(seed: number, n: number, dim: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * dim }, () => rng.normal());
}

describe('TopK', () => {
  it('keeps the k best, ties broken by the lower index', () => {
    const top = new TopK(3);
    // scores: 0→0.5, 1→0.9, 2→0.5, 3→0.5, 4→0.1 → best 1 (0.9), then the 0.5s by index: 0, 2
    [0.5, 0.9, 0.5, 0.5, 0.1].forEach((s, i) => top.push(i, s));
    const { indices, scores } = top.result();
    expect(Array.from(indices)).toEqual([1, 0, 2]);
    expect(Array.from(scores)).toEqual([Math.fround(0.9), 0.5, 0.5]);
  });

  it('gives the same result whatever the visiting order (seeded permutations)', () => {
    const scores = [0.3, 0.7, 0.7, 0.1, 0.7, 0.3, 0.9];
    for (const seed of [1, 2, 3, 4, 5]) {
      const top = new TopK(4);
      for (const i of new Rng(seed).permutation(scores.length)) top.push(i, scores[i] as number);
      // hand-derived: 6 (0.9), then 0.7s at 1, 2, 4
      expect(Array.from(top.result().indices), `seed ${seed}`).toEqual([6, 1, 2, 4]);
    }
  });
});

describe('ExactCosineIndex', () => {
  it('ranks by cosine, breaks ties by lower row index and honours exclude', () => {
    // rows: 0 (1,0)  1 (2,0) same direction as 0  2 (0,1)  3 (1,1)  4 (3,0)
    // query (1,0): cos = 1, 1, 0, 0.7071, 1 → ties 0,1,4 at 1.0 ordered by index
    const index = ExactCosineIndex.build(Float32Array.of(1, 0, 2, 0, 0, 1, 1, 1, 3, 0), 2);
    const r = index.search(Float32Array.of(1, 0), 4);
    expect(Array.from(r.indices)).toEqual([0, 1, 4, 3]);
    expect(r.scores[3]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(Array.from(index.search(Float32Array.of(1, 0), 2, { exclude: 0 }).indices)).toEqual([1, 4]);
  });

  it('matches brute force on random data, in batch and one by one', () => {
    const dim = 7;
    const n = 301;
    const v = randomVectors(11, n, dim);
    const index = ExactCosineIndex.build(v, dim);
    const queries = v.slice(0, 10 * dim);
    const batch = index.searchBatch(queries, 5, Int32Array.from({ length: 10 }, (_, i) => i));
    for (let q = 0; q < 10; q++) {
      const cos = (j: number): number => {
        let dot = 0;
        let a = 0;
        let b = 0;
        for (let d = 0; d < dim; d++) {
          dot += (v[q * dim + d] as number) * (v[j * dim + d] as number);
          a += (v[q * dim + d] as number) ** 2;
          b += (v[j * dim + d] as number) ** 2;
        }
        return dot / Math.sqrt(a * b);
      };
      const expected = Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== q)
        .sort((x, y) => cos(y) - cos(x))
        .slice(0, 5);
      expect(Array.from((batch[q] as { indices: Int32Array }).indices)).toEqual(expected);
      expect(Array.from(index.search(v.subarray(q * dim, (q + 1) * dim), 5, { exclude: q }).indices)).toEqual(expected);
    }
  });

  it('returns fewer than k when the index is small, and rejects bad input with typed errors', () => {
    const index = ExactCosineIndex.build(Float32Array.of(1, 0, 0, 1), 2);
    expect(index.search(Float32Array.of(1, 1), 10).indices.length).toBe(2);
    expect(() => index.search(Float32Array.of(1, 1, 1), 1)).toThrow(ModelsError);
    expect(() => index.search(Float32Array.of(1, 1), 0)).toThrow(/k must be a positive integer/);
    expect(() => ExactCosineIndex.build(Float32Array.of(1, Number.NaN), 2)).toThrow(/row 0, column 1/);
    expect(() => ExactCosineIndex.build(new Float32Array(5), 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});

describe('HnswIndex', () => {
  it('reaches recall@10 ≥ 0.95 against exact search on 5k random vectors', () => {
    const dim = 16;
    const n = 5000;
    const v = randomVectors(5, n, dim);
    const exact = ExactCosineIndex.build(v, dim);
    const hnsw = HnswIndex.build(v, dim, { m: 12, efConstruction: 60, efSearch: 100, seed: 1 });
    const rng = new Rng(9);
    const approx: Int32Array[] = [];
    const truth: Int32Array[] = [];
    for (let t = 0; t < 200; t++) {
      const q = rng.int(n);
      const query = v.subarray(q * dim, (q + 1) * dim);
      approx.push(hnsw.search(query, 10, { exclude: q }).indices);
      truth.push(exact.search(query, 10, { exclude: q }).indices);
    }
    const recall = recallAgainstExact(approx, truth);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // a tiny ef must do worse: the test can fail if search ignored ef
    hnsw.efSearch = 2;
    const low = recallAgainstExact(
      truth.map((_, i) => hnsw.search(v.subarray((approx[i] as Int32Array)[0]! * dim, ((approx[i] as Int32Array)[0]! + 1) * dim), 10).indices),
      truth.map((_, i) => exact.search(v.subarray((approx[i] as Int32Array)[0]! * dim, ((approx[i] as Int32Array)[0]! + 1) * dim), 10).indices),
    );
    expect(low).toBeLessThan(recall);
  });

  it('is reproducible for a seed and picks exact search below the size limit', () => {
    const v = randomVectors(3, 400, 8);
    const a = HnswIndex.build(v, 8, { seed: 4 }).search(v.subarray(0, 8), 5).indices;
    const b = HnswIndex.build(v, 8, { seed: 4 }).search(v.subarray(0, 8), 5).indices;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(buildCosineIndex(v, 8).kind).toBe('exact');
    expect(buildCosineIndex(v, 8, { exactLimit: 100 }).kind).toBe('hnsw');
    expect(() => HnswIndex.build(v, 8, { m: 1 })).toThrow(/option m/);
  });
});

describe('TfjsCosineIndex', () => {
  it('returns the same neighbours as the pure-JS exact index', () => {
    const dim = 12;
    const v = randomVectors(21, 500, dim);
    const js = ExactCosineIndex.build(v, dim);
    const tfIndex = buildCosineIndex(v, dim, { exact: 'tfjs' });
    for (const q of [0, 17, 499]) {
      const query = v.subarray(q * dim, (q + 1) * dim);
      expect(Array.from(tfIndex.search(query, 10, { exclude: q }).indices)).toEqual(Array.from(js.search(query, 10, { exclude: q }).indices));
    }
    (tfIndex as TfjsCosineIndex).dispose();
  });
});
