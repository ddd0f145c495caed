import { Rng } from '@tunekit/core';
import { describe, expect, it } from 'vitest';
import { bootstrapCI, compareSystems, pairedPermutationTest, pairedTTest, pairedValues } from './significance';
import { lnGamma, regularizedIncompleteBeta, studentTCdf } from './special-functions';
import { MetricsError } from './metrics-error';

describe('special functions', () => {
  it('lnGamma of integers is ln((n−1)!)', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('incomplete beta: closed forms and scipy.special.betainc 1.10.1 values', () => {
    expect(regularizedIncompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12); // x^a
    expect(regularizedIncompleteBeta(0.3, 1, 3)).toBeCloseTo(1 - 0.7 ** 3, 12); // 1 − (1−x)^b
    expect(regularizedIncompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(0.01892712407194565, 10);
    expect(regularizedIncompleteBeta(0.9, 10, 3)).toBeCloseTo(0.889130022255, 10);
    expect(regularizedIncompleteBeta(0.01, 0.5, 0.5)).toBeCloseTo(0.06376856085851987, 10);
  });

  it('Student t CDF: closed forms for df 1 and 2, and scipy values', () => {
    for (const t of [-3, -0.4, 0, 0.7, 2.5]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12); // Cauchy
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(t * t + 2)), 12);
    }
    expect(studentTCdf(-1.7, 5)).toBeCloseTo(0.07493839342416188, 10);
    expect(studentTCdf(0.3, 50)).toBeCloseTo(0.6172895598723485, 10);
  });
});

describe('paired tests and bootstrap', () => {
  const a = [0.31, 0.52, 0.47, 0.18, 0.66, 0.42, 0.39, 0.71];
  const b = [0.25, 0.49, 0.51, 0.12, 0.6, 0.4, 0.3, 0.65];

  it('paired t-test matches scipy.stats.ttest_rel (t 3.03931619322084, p 0.01886509404587411)', () => {
    const r = pairedTTest(a, b);
    expect(r.t).toBeCloseTo(3.03931619322084, 10);
    expect(r.pValue).toBeCloseTo(0.01886509404587411, 10);
    expect(r.df).toBe(7);
    // d = [1,2,3]: t = 2/(1/√3) = 2√3, df 2 → p = 1 − t/√(t²+2) = 0.07418
    expect(pairedTTest([2, 4, 6], [1, 2, 3]).pValue).toBeCloseTo(1 - (2 * Math.sqrt(3)) / Math.sqrt(14), 12);
    expect(pairedTTest([1, 2], [1, 2]).pValue).toBe(1);
    expect(pairedTTest([2, 3], [1, 2]).pValue).toBe(0);
  });

  it('permutation test approaches the exact sign-flip p-value and is seeded', () => {
    // exact: enumerate all 2^8 sign patterns of d
    const d = a.map((x, i) => x - (b[i] as number));
    const obs = Math.abs(d.reduce((s, x) => s + x, 0));
    let extreme = 0;
    for (let mask = 0; mask < 256; mask++) {
      const s = d.reduce((acc, x, i) => acc + (mask & (1 << i) ? x : -x), 0);
      if (Math.abs(s) >= obs - 1e-12) extreme++;
    }
    const exact = extreme / 256; // 0.0234375 (6 of 256)
    const r = pairedPermutationTest(a, b, { rounds: 20_000, seed: 5 });
    expect(Math.abs(r.pValue - exact)).toBeLessThan(0.006);
    expect(pairedPermutationTest(a, b, { rounds: 2000, seed: 9 }).pValue).toBe(pairedPermutationTest(a, b, { rounds: 2000, seed: 9 }).pValue);
    expect(pairedPermutationTest(a, a, { rounds: 100 }).pValue).toBe(1);
  });

  it('under the null, permutation p-values are roughly uniform (seeded)', () => {
    const rng = new Rng(11);
    let below = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const x = Array.from({ length: 30 }, () => rng.normal());
      const y = Array.from({ length: 30 }, () => rng.normal());
      if (pairedPermutationTest(x, y, { rounds: 300, seed: t }).pValue < 0.1) below++;
    }
    expect(below / trials).toBeGreaterThan(0.04);
    expect(below / trials).toBeLessThan(0.18);
  });

  it('bootstrap CI: golden, seeded, nested by level', () => {
    const ci = bootstrapCI([0.1, 0.4, 0.35, 0.8], { rounds: 2000, seed: 7 });
    expect(ci.mean).toBeCloseTo(0.4125, 14);
    expect(ci.lower).toBeLessThan(ci.mean);
    expect(ci.upper).toBeGreaterThan(ci.mean);
    expect(bootstrapCI([0.1, 0.4, 0.35, 0.8], { rounds: 2000, seed: 7 })).toEqual(ci);
    const narrow = bootstrapCI([0.1, 0.4, 0.35, 0.8], { rounds: 2000, seed: 7, level: 0.5 });
    expect(narrow.lower).toBeGreaterThanOrEqual(ci.lower);
    expect(narrow.upper).toBeLessThanOrEqual(ci.upper);
    expect(() => bootstrapCI([0.1, Number.NaN])).toThrow(/pairedValues/);
    expect(() => bootstrapCI([1], { level: 1 })).toThrow(MetricsError);
  });

  it('bootstrap 95% CI covers the true mean about 95% of the time (seeded)', () => {
    const rng = new Rng(21);
    let covered = 0;
    for (let t = 0; t < 100; t++) {
      const xs = Array.from({ length: 40 }, () => rng.normal(1, 2));
      const ci = bootstrapCI(xs, { rounds: 400, seed: t });
      if (ci.lower <= 1 && 1 <= ci.upper) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(85);
  });

  it('compareSystems drops non-evaluated users and says how many', () => {
    const c = compareSystems([...a, Number.NaN], [...b, 0.5], { rounds: 1000, seed: 1 });
    expect(c.n).toBe(8);
    expect(c.dropped).toBe(1);
    expect(c.tTest.pValue).toBeCloseTo(0.01886509404587411, 10);
    expect(c.difference.mean).toBeCloseTo(c.meanA - c.meanB, 12);
    expect(pairedValues([1, Number.NaN], [1, 2]).dropped).toBe(1);
  });
});
