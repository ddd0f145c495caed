import { describe, expect, it } from 'vitest';
import {
  averagePrecisionAtK,
  dcgAtK,
  f1AtK,
  hitAtK,
  listAuc,
  ndcgAtK,
  precisionAtK,
  rPrecision,
  recallAtK,
  reciprocalRank,
} from './ranking-metrics';
import { MetricsError } from './metrics-error';

const L2 = (x: number): number => Math.log2(x);

describe('ranking metrics — hand-derived goldens', () => {
  // list [10, 20, 30, 40, 50], relevant {20, 40, 60} (60 never listed), |R| = 3
  const list = [10, 20, 30, 40, 50];
  const rel = new Set([20, 40, 60]);

  it('DCG@5 = 1/log2(3) + 1/log2(5)', () => {
    expect(dcgAtK(list, rel, 5)).toBeCloseTo(1 / L2(3) + 1 / L2(5), 12); // 0.63093 + 0.43068 = 1.06161
  });

  it('NDCG@5: IDCG over min(|R|,5)=3 positions = 1 + 1/log2 3 + 1/log2 4', () => {
    const idcg = 1 + 1 / L2(3) + 0.5; // 2.13093
    expect(ndcgAtK(list, rel, 5)).toBeCloseTo((1 / L2(3) + 1 / L2(5)) / idcg, 12); // 0.49820
  });

  it('NDCG@2: IDCG over min(3,2)=2 positions', () => {
    expect(ndcgAtK(list, rel, 2)).toBeCloseTo(1 / L2(3) / (1 + 1 / L2(3)), 12); // 0.38685
  });

  it('AP@5 default ÷ min(|R|,k)=3; |R| option ÷ 3 too; AP@2 ÷ 2 vs ÷ 3', () => {
    // hits at ranks 2 and 4: precisions 1/2 and 2/4
    expect(averagePrecisionAtK(list, rel, 5)).toBeCloseTo((0.5 + 0.5) / 3, 12);
    // @2: only the hit at rank 2 → 0.5; ÷ min(3,2) = 2 → 0.25; ÷ |R| = 3 → 0.1667
    expect(averagePrecisionAtK(list, rel, 2)).toBeCloseTo(0.25, 12);
    expect(averagePrecisionAtK(list, rel, 2, { denominator: 'relevant' })).toBeCloseTo(0.5 / 3, 12);
  });

  it('MRR: first hit at rank 2; @1 → 0', () => {
    expect(reciprocalRank(list, rel)).toBe(0.5);
    expect(reciprocalRank(list, rel, 1)).toBe(0);
    expect(reciprocalRank(list, new Set([99]))).toBe(0);
  });

  it('hit, precision (÷ k even past the list), recall, F1, R-precision', () => {
    expect(hitAtK(list, rel, 1)).toBe(0);
    expect(hitAtK(list, rel, 2)).toBe(1);
    expect(precisionAtK(list, rel, 5)).toBe(2 / 5);
    expect(precisionAtK(list, rel, 10)).toBe(2 / 10); // trec_eval P.10 divides by 10
    expect(recallAtK(list, rel, 4)).toBe(2 / 3);
    // P@4 = 0.5, R@4 = 2/3 → F1 = 2·(1/3)/(7/6) = 4/7
    expect(f1AtK(list, rel, 4)).toBeCloseTo(4 / 7, 12);
    expect(f1AtK(list, rel, 1)).toBe(0);
    // R-prec: top-3 [10, 20, 30] holds 1 of 3
    expect(rPrecision(list, rel)).toBeCloseTo(1 / 3, 12);
  });

  it('graded NDCG, linear vs exponential gain', () => {
    // grades: a=3, b=1, c=2; ranking [b, x, a]
    const graded = new Map([
      [1, 3],
      [2, 1],
      [3, 2],
    ]);
    const ranking = [2, 9, 1];
    // linear: DCG = 1/1 + 3/log2 4 = 2.5; IDCG@3 = 3 + 2/log2 3 + 1/2 = 4.76186
    expect(ndcgAtK(ranking, graded, 3)).toBeCloseTo(2.5 / (3 + 2 / L2(3) + 0.5), 12);
    // exponential: gains 1, 7 → DCG = 1 + 7/2 = 4.5; IDCG = 7 + 3/log2 3 + 1/2 = 9.39279
    expect(ndcgAtK(ranking, graded, 3, { gain: 'exponential' })).toBeCloseTo(4.5 / (7 + 3 / L2(3) + 0.5), 12);
    expect(dcgAtK(ranking, graded, 3, { gain: 'exponential' })).toBeCloseTo(4.5, 12);
  });

  it('grades ≤ 0 are not relevant', () => {
    const graded = new Map([
      [1, 0],
      [2, -1],
      [3, 1],
    ]);
    expect(recallAtK([1, 2, 3], graded, 3)).toBe(1); // |R| = 1
    expect(reciprocalRank([1, 2, 3], graded)).toBeCloseTo(1 / 3, 12);
  });

  it('no relevant item: NaN where undefined, 0 where defined', () => {
    const none = new Set<number>();
    expect(ndcgAtK(list, none, 5)).toBeNaN();
    expect(recallAtK(list, none, 5)).toBeNaN();
    expect(averagePrecisionAtK(list, none, 5)).toBeNaN();
    expect(rPrecision(list, none)).toBeNaN();
    expect(precisionAtK(list, none, 5)).toBe(0);
    expect(hitAtK(list, none, 5)).toBe(0);
  });

  it('list AUC counts correctly ordered (relevant, non-relevant) pairs', () => {
    // [3 R, 7 N, 9 R, 5 N]: 3>7, 3>5, 9>5 correct; 7>9 wrong → 3/4
    expect(listAuc([3, 7, 9, 5], new Set([3, 9]))).toBe(0.75);
    expect(listAuc([3, 9], new Set([3, 9]))).toBeNaN();
  });

  it('rejects a bad k with INVALID_ARGUMENT', () => {
    expect(() => ndcgAtK(list, rel, 0)).toThrow(MetricsError);
    try {
      precisionAtK(list, rel, 2.5);
    } catch (e) {
      expect((e as MetricsError).code).toBe('INVALID_ARGUMENT');
    }
  });
});
