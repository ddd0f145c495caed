import { describe, expect, it } from 'vitest';
import { KnnIndex } from './knn.index';

describe('KnnIndex', () => {
  // Points on a line: 0, 1, 3, 7. Query 2.2 → distances² 4.84, 1.44, 0.64, 23.04.
  const index = new KnnIndex([0, 1, 3, 7], 1);
  it('returns the k nearest, closest first (hand-derived)', () => {
    const nn = index.query([2.2], 3);
    expect(nn.map((n) => n.index)).toEqual([2, 1, 0]);
    expect(nn[0]?.distance).toBeCloseTo(0.64, 12);
  });
  it('excludes a row and caps k at the index size', () => {
    // Query 3 without row 2: distances² 9 (row 0), 4 (row 1), 16 (row 3).
    expect(index.query([3], 10, 2).map((n) => n.index)).toEqual([1, 0, 3]);
  });
  it('regresses the mean of the neighbours targets', () => {
    expect(Array.from(index.regress([2.2], [10, 20, 30, 40], 1, 2))).toEqual([25]);
  });
  it('rejects a wrong width and k < 1', () => {
    expect(() => index.query([1, 2], 1)).toThrow(/dim 1/);
    expect(() => index.query([1], 0)).toThrow(/k must be an integer >= 1/);
  });
});
