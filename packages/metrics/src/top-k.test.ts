import { Rng } from '@tunekit/core';
import { describe, expect, it } from 'vitest';
import { rankOfFirstRelevant, topK, topKBatch } from './top-k';
import { MetricsError } from './metrics-error';

/** Reference: full sort by score descending, index ascending, excluded removed. */
function fullSort(scores: Float32Array, exclude: Set<number>): number[] {
  return Array.from(scores.keys())
    .filter((i) => !exclude.has(i))
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

describe('topK', () => {
  it('goldens: ties go to the lower index; exclusion skips items', () => {
    // scores 0.1 0.9 0.5 0.9 → order 1 (0.9), 3 (0.9, tie, higher index), 2, 0
    expect([...topK(Float32Array.of(0.1, 0.9, 0.5, 0.9), 2)]).toEqual([1, 3]);
    expect([...topK(Float32Array.of(0.1, 0.9, 0.5, 0.9), 2, new Set([1]))]).toEqual([3, 2]);
    expect([...topK(Float32Array.of(0.1, 0.9, 0.5, 0.9), 9, Uint8Array.of(0, 0, 1, 0))]).toEqual([1, 3, 0]);
    expect([...topK(Float32Array.of(Number.NaN, 1, 0), 3)]).toEqual([1, 2, 0]); // NaN last
    expect([...topK([5, 5, 5, 5], 3)]).toEqual([0, 1, 2]);
  });

  it('agrees with a full sort on seeded random rows with many ties', () => {
    for (let seed = 0; seed < 200; seed++) {
      const rng = new Rng(seed);
      const n = 1 + rng.int(300);
      const scores = Float32Array.from({ length: n }, () => rng.int(20) / 4); // heavy ties
      const exclude = new Set(rng.sample(Array.from({ length: n }, (_, i) => i), rng.int(Math.ceil(n / 3))));
      const k = 1 + rng.int(50);
      const ref = fullSort(scores, exclude).slice(0, k);
      expect([...topK(scores, k, exclude)], `seed ${seed}`).toEqual(ref);
    }
  });

  it('topKBatch pads with -1 and applies per-user CSR exclusions', () => {
    // row 0 [1,2,3] excl {2} → [1, 0]; row 1 [3,2,1] excl {0,1,2} → [-1, -1]
    const r = topKBatch(Float32Array.of(1, 2, 3, 3, 2, 1), 3, 2, { items: Int32Array.of(2, 0, 1, 2), offsets: Int32Array.of(0, 1, 4) });
    expect([...r.items]).toEqual([1, 0, -1, -1]);
    expect(r.k).toBe(2);
  });

  it('rejects bad k and mismatched masks', () => {
    expect(() => topK([1, 2], 0)).toThrow(MetricsError);
    expect(() => topK([1, 2], 1, Uint8Array.of(0))).toThrow(/same length/);
  });
});

describe('rankOfFirstRelevant', () => {
  it('golden: ties with an earlier index rank ahead', () => {
    // scores 0.2 0.9 0.5 0.9; item 2 → behind 1 and 3 → rank 3
    expect(rankOfFirstRelevant(Float32Array.of(0.2, 0.9, 0.5, 0.9), new Set([2]))).toBe(3);
    expect(rankOfFirstRelevant(Float32Array.of(0.2, 0.9, 0.5, 0.9), new Set([2]), [1])).toBe(2);
    expect(rankOfFirstRelevant(Float32Array.of(0.2, 0.9), new Set([1]), new Set([1]))).toBe(0);
  });

  it('equals 1 + position of the first relevant item in the full topK ranking', () => {
    for (let seed = 0; seed < 200; seed++) {
      const rng = new Rng(seed);
      const n = 5 + rng.int(200);
      const ids = Array.from({ length: n }, (_, i) => i);
      const scores = Float32Array.from({ length: n }, () => rng.int(10));
      const exclude = new Set(rng.sample(ids, rng.int(Math.floor(n / 2))));
      const relevant = rng.sample(ids, 1 + rng.int(5));
      const full = [...topK(scores, n, exclude)];
      const pos = full.findIndex((i) => relevant.includes(i));
      expect(rankOfFirstRelevant(scores, relevant, exclude), `seed ${seed}`).toBe(pos + 1);
    }
  });
});
