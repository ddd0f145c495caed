import { describe, expect, it } from 'vitest';
import {
  averageRecommendedPopularity,
  catalogueCoverage,
  exposureCounts,
  giniIndex,
  intraListDiversity,
  novelty,
  serendipity,
} from './beyond-accuracy';
import { MetricsError } from './metrics-error';

describe('beyond-accuracy metrics', () => {
  it('coverage states its denominator', () => {
    // distinct {0,1,2} of a 10-item catalogue; of training items {1,2,5,7}, only {1,2} → 2/4
    expect(catalogueCoverage([[0, 1], [1, 2]], { universe: 'catalogue', items: 10 })).toEqual({
      coverage: 0.3,
      distinctItems: 3,
      denominator: 10,
      universe: 'catalogue',
    });
    expect(catalogueCoverage([[0, 1], [1, 2]], { universe: 'training-items', items: [1, 2, 5, 7] }).coverage).toBe(0.5);
    expect(catalogueCoverage([[0, 1], [1, 2]], { universe: 'catalogue', items: 10, k: 1 }).coverage).toBe(0.2);
  });

  it('intra-list diversity (cosine)', () => {
    // items: 0 = (1,0), 1 = (0,1), 2 = (1,1)/√2-direction; pairs: (0,1) d=1, (0,2) d=1−1/√2, (1,2) d=1−1/√2
    const v = Float32Array.of(1, 0, 0, 1, 1, 1);
    const ild = intraListDiversity([[0, 1, 2], [0]], v, 2);
    expect((ild.perUser[0] as number)).toBeCloseTo((1 + 2 * (1 - Math.SQRT1_2)) / 3, 6);
    expect(ild.perUser[1]).toBeNaN();
    expect(ild.usersSkipped).toBe(1);
    expect(() => intraListDiversity([[0, 9]], v, 2)).toThrow(MetricsError);
  });

  it('novelty = mean −log2(pop/nUsers), zero popularity floored to 1', () => {
    expect(novelty([[0, 1]], [50, 25], 100).mean).toBeCloseTo(1.5, 12); // (1 + 2) / 2
    expect(novelty([[0]], [0], 8).mean).toBeCloseTo(3, 12);
  });

  it('serendipity: unexpected (not in primitive top-k) and relevant, ÷ k', () => {
    expect(serendipity([[5, 9]], [new Set([5, 9])], { shared: [9, 1] }, 2).mean).toBe(0.5);
    // per-user primitive lists; user 1 has nothing relevant → skipped
    const s = serendipity([[5, 9], [3, 4]], [new Set([5, 9]), new Set()], { perUser: [[1, 2], [3, 4]] }, 2);
    expect(s.perUser[0]).toBe(1);
    expect(s.perUser[1]).toBeNaN();
    expect(s.usersEvaluated).toBe(1);
  });

  it('exposure and Gini', () => {
    expect([...exposureCounts([[0, 1], [1]], 3)]).toEqual([1, 2, 0]);
    // sorted [0,0,0,4]: Σ(2i−n−1)x = (2·4−5)·4 = 12; n Σ x = 16 → 0.75
    expect(giniIndex([0, 0, 0, 4])).toBe(0.75);
    expect(giniIndex([3, 3, 3])).toBe(0);
    expect(() => giniIndex([0, 0])).toThrow(MetricsError);
  });

  it('average recommended popularity', () => {
    expect(averageRecommendedPopularity([[0, 1], [1]], [10, 2]).mean).toBe(4); // (6 + 2)/2
  });
});
