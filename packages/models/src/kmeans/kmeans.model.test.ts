import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';
import { assignNearest, fitKMeans, kmeansFromJson, loadKMeans, saveKMeans } from './kmeans.model';
import { applyStandardScaler, fitStandardScaler } from './standard-scaler';

/** n points around each of the given centres, N(0, sd²) per coordinate. */
function blobs(centres: number[][], n: number, sd: number, seed: number): { x: Float64Array; label: Int32Array } {
  const rng = new Rng(seed);
  const dim = (centres[0] as number[]).length;
  const x = new Float64Array(centres.length * n * dim);
  const label = new Int32Array(centres.length * n);
  centres.forEach((c, k) => {
    for (let i = 0; i < n; i++) {
      const row = k * n + i;
      label[row] = k;
      c.forEach((v, j) => (x[row * dim + j] = v + rng.normal(0, sd)));
    }
  });
  return { x, label };
}

describe('fitKMeans', () => {
  it('recovers planted blobs exactly (cluster ↔ blob bijection) and is deterministic per seed', () => {
    const centres = [[0, 0], [10, 0], [0, 10], [10, 10]];
    const { x, label } = blobs(centres, 50, 0.5, 3);
    const m = fitKMeans(x, 2, { k: 4, nInit: 3, seed: 42 });
    const pred = assignNearest(m, x);
    const map = new Map<number, number>();
    for (let i = 0; i < label.length; i++) {
      const seen = map.get(label[i] as number);
      if (seen === undefined) map.set(label[i] as number, pred[i] as number);
      else expect(pred[i]).toBe(seen);
    }
    expect(new Set(map.values()).size).toBe(4);
    // Inertia ≈ n·dim·sd² = 200·2·0.25 = 100 for the true partition.
    expect(m.inertia).toBeGreaterThan(60);
    expect(m.inertia).toBeLessThan(140);
    expect(fitKMeans(x, 2, { k: 4, nInit: 3, seed: 42 })).toEqual(m);
  });

  it('more restarts never give a worse inertia (best-of-n)', () => {
    const { x } = blobs([[0, 0, 0], [3, 0, 0], [0, 3, 0], [0, 0, 3], [3, 3, 3]], 30, 1.2, 9);
    const one = fitKMeans(x, 3, { k: 5, nInit: 1, seed: 1 });
    const ten = fitKMeans(x, 3, { k: 5, nInit: 10, seed: 1 });
    expect(ten.inertia).toBeLessThanOrEqual(one.inertia + 1e-9);
  });

  it('hand-derived golden: 1-D points {0, 1, 10, 11}, k=2 → centres 0.5 and 10.5, inertia 1', () => {
    const m = fitKMeans([0, 1, 10, 11], 1, { k: 2, nInit: 2, seed: 5 });
    const c = m.centroids.map((r) => r[0] as number).sort((a, b) => a - b);
    expect(c[0]).toBeCloseTo(0.5, 12);
    expect(c[1]).toBeCloseTo(10.5, 12);
    expect(m.inertia).toBeCloseTo(1, 12);
    expect(Array.from(assignNearest(m, [0.2, 10.9]))).toEqual([m.centroids.findIndex((r) => r[0] === 0.5), m.centroids.findIndex((r) => r[0] === 10.5)]);
  });

  it('rejects bad input with typed errors naming the problem', () => {
    expect(() => fitKMeans([1, 2, 3], 2, { k: 1 })).toThrow(/not a multiple of dim 2/);
    expect(() => fitKMeans([1, 2], 1, { k: 3 })).toThrow(/k=3 exceeds the number of points 2/);
    expect(() => fitKMeans([1, NaN], 1, { k: 1 })).toThrow(/row 1, column 0/);
    expect(() => fitKMeans([1, 2], 1, { k: 0 })).toThrow(ModelsError);
    const m = fitKMeans([0, 1, 2, 3], 2, { k: 1 });
    expect(() => assignNearest(m, [1, 2, 3])).toThrow(/not a multiple of dim 2/);
  });

  it('saves atomically and loads back; a malformed file names the bad key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmeans-'));
    try {
      const m = fitKMeans([0, 0, 1, 1, 9, 9, 10, 10], 2, { k: 2, seed: 1 });
      saveKMeans(join(dir, 'k.json'), m);
      expect(loadKMeans(join(dir, 'k.json'))).toEqual(m);
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...m, centroids: [[0, 0]] }));
      expect(() => loadKMeans(join(dir, 'bad.json'))).toThrow(/centroids must be 2 rows of 2 numbers/);
      expect(() => kmeansFromJson({ ...m, k: 'x' })).toThrow(/key k/);
      expect(() => loadKMeans(join(dir, 'missing.json'))).toThrow(expect.objectContaining({ code: 'ARTIFACT_NOT_FOUND' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('standard scaler', () => {
  it('golden: columns [1,3] and [2,6] → mean [2,4], std [1,2]; constant columns keep std 1', () => {
    const s = fitStandardScaler([1, 2, 3, 6], 2);
    expect(s).toEqual({ mean: [2, 4], std: [1, 2] });
    expect(Array.from(applyStandardScaler(s, [3, 8]))).toEqual([1, 2]);
    expect(fitStandardScaler([5, 5], 1).std).toEqual([1]);
  });
});
