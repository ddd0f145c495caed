import { Rng } from '@tunekit/core';
import { describe, expect, it } from 'vitest';
import { gauc, userAuc } from './auc';
import { classificationMetrics, confusionMatrix, logLoss, rocAuc } from './classification';
import { MetricsError } from './metrics-error';

describe('classification metrics', () => {
  it('rocAuc golden with ties (value from sklearn roc_auc_score 1.2.1: 0.65625)', () => {
    // positives 0.8 0.3 0.6 0.6 ; negatives 0.8 0.2 0.6 0.1 → 16 pairs:
    // 0.8: >0.2,>0.6,>0.1 (3) + tie 0.8 (½) = 3.5; 0.3: >0.2,>0.1 = 2; 0.6 ×2: >0.2,>0.1 + ½ = 2.5 each
    // (3.5 + 2 + 2.5 + 2.5) / 16 = 10.5 / 16 = 0.65625
    expect(rocAuc([1, 0, 1, 1, 0, 0, 1, 0], [0.8, 0.8, 0.3, 0.6, 0.2, 0.6, 0.6, 0.1])).toBe(0.65625);
  });

  it('rocAuc equals the brute-force pair count on seeded random data', () => {
    for (let seed = 0; seed < 50; seed++) {
      const rng = new Rng(seed);
      const n = 2 + rng.int(200);
      const y = Array.from({ length: n }, (_, i) => (i < 1 ? 1 : i < 2 ? 0 : rng.int(2)));
      const s = Array.from({ length: n }, () => rng.int(8));
      let pairs = 0;
      let wins = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          if (y[i] === 1 && y[j] === 0) {
            pairs++;
            wins += (s[i] as number) > (s[j] as number) ? 1 : s[i] === s[j] ? 0.5 : 0;
          }
      expect(rocAuc(y, s), `seed ${seed}`).toBeCloseTo(wins / pairs, 12);
    }
  });

  it('rocAuc needs both classes', () => {
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow(MetricsError);
    expect(() => rocAuc([1, 2], [0.2, 0.3])).toThrow(/must be 0 or 1/);
  });

  it('logLoss golden (sklearn log_loss: 0.4084347508384273) and clipping', () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0];
    expect(logLoss(y, [0.9, 0.2, 0.4, 0.7, 0.1, 0.5, 0.6, 0.3])).toBeCloseTo(0.4084347508384273, 12);
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 9);
    expect(() => logLoss([1], [1.5])).toThrow(/outside/);
  });

  it('confusion matrix and threshold metrics', () => {
    // scores ≥ 0.5 → predicted 1: [1,1,0,0] vs labels [1,0,1,0]
    expect(confusionMatrix([1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1])).toEqual({ tp: 1, fp: 1, tn: 1, fn: 1 });
    const m = classificationMetrics([1, 0, 1, 1], [0.9, 0.6, 0.4, 0.8], 0.7);
    // predicted [1,0,0,1]: tp 2, fp 0, fn 1, tn 1 → P 1, R 2/3, F1 0.8, acc 0.75
    expect(m.precision).toBe(1);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(0.8, 12);
    expect(m.accuracy).toBe(0.75);
    expect(classificationMetrics([0, 0], [0.1, 0.2]).precision).toBe(0); // 0/0 → 0
  });
});

describe('per-user AUC and GAUC', () => {
  it('userAuc golden with a tie and an exclusion', () => {
    // positives {0: .9, 2: .5}, negatives {1: .5, 3: .1}: (1 + 1 + ½ + 1) / 4
    expect(userAuc(Float32Array.of(0.9, 0.5, 0.5, 0.1), new Set([0, 2]))).toBe(0.875);
    // excluding item 1 leaves negatives {3} → 1
    expect(userAuc(Float32Array.of(0.9, 0.5, 0.5, 0.1), [0, 2], [1])).toBe(1);
    expect(userAuc(Float32Array.of(0.9, 0.5), new Set([0, 1]))).toBeNaN();
  });

  it('userAuc matches rocAuc over the same candidates', () => {
    const rng = new Rng(3);
    const scores = Float32Array.from({ length: 500 }, () => rng.int(30));
    const rel = new Set(rng.sample(Array.from({ length: 500 }, (_, i) => i), 40));
    const labels = Array.from(scores, (_, i) => (rel.has(i) ? 1 : 0));
    expect(userAuc(scores, rel)).toBeCloseTo(rocAuc(labels, scores), 12);
  });

  it('gauc weights and reports skipped users', () => {
    // (1·1 + 3·0.5) / 4 = 0.625
    expect(gauc([1, 0.5, Number.NaN], [1, 3, 2])).toEqual({ gauc: 0.625, usersEvaluated: 2, usersSkipped: 1 });
    expect(gauc([1, 0.5]).gauc).toBe(0.75);
    expect(() => gauc([Number.NaN])).toThrow(MetricsError);
  });
});
