import { describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { fitLinearRegression, predictLinear } from './linear-regression';

describe('fitLinearRegression', () => {
  it('recovers the coefficients of a noiseless plane', () => {
    // y = 2·x0 − 3·x1 + 0.5 on 4 points: exact fit, w = [2, −3], b = 0.5.
    const x = [0, 0, 1, 0, 0, 1, 1, 1];
    const y = [0.5, 2.5, -2.5, -0.5];
    const m = fitLinearRegression(x, y, 2);
    expect(m.weights[0]).toBeCloseTo(2, 6);
    expect(m.weights[1]).toBeCloseTo(-3, 6);
    expect(m.bias).toBeCloseTo(0.5, 6);
    expect(Array.from(predictLinear(m, [2, 2], 2))[0]).toBeCloseTo(-1.5, 5);
  });

  it('shrinks towards zero with a ridge penalty and rejects bad shapes', () => {
    const rng = new Rng(1);
    const n = 200;
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.normal();
      y[i] = 3 * (x[i] as number) + rng.normal(0, 0.1);
    }
    const ols = fitLinearRegression(x, y, 1);
    const ridge = fitLinearRegression(x, y, 1, { l2: 1000 });
    expect(ols.weights[0]).toBeCloseTo(3, 1);
    expect(Math.abs(ridge.weights[0] as number)).toBeLessThan(Math.abs(ols.weights[0] as number));
    expect(() => fitLinearRegression([1, 2, 3], [1, 2], 2)).toThrow(/expected n·d/);
  });
});
