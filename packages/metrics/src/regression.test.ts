import { describe, expect, it } from 'vitest';
import { INVERSE_TRANSFORMS, mae, mape, r2, regressionMetrics, rmse } from './regression';
import { MetricsError } from './metrics-error';

describe('regression metrics', () => {
  it('goldens', () => {
    // errors 0, 0, −2: RMSE sqrt(4/3), MAE 2/3; ȳ = 2, SS_tot = 2, SS_res = 4 → R² = −1
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 14);
    expect(mae([1, 2, 3], [1, 2, 5])).toBeCloseTo(2 / 3, 14);
    expect(r2([1, 2, 3], [1, 2, 5])).toBeCloseTo(-1, 14);
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    // |100−110|/100 = 0.1, |200−150|/200 = 0.25 → 0.175
    expect(mape([100, 200], [110, 150])).toBeCloseTo(0.175, 14);
  });

  it('constant target: R² is 1 if perfect else 0', () => {
    expect(r2([2, 2], [2, 2])).toBe(1);
    expect(r2([2, 2], [2, 3])).toBe(0);
  });

  it('inverse-transformed scale: expm1 of log1p targets', () => {
    const listens = [9, 99, 999];
    const predicted = [19, 89, 1999];
    const m = regressionMetrics(listens.map(Math.log1p), predicted.map(Math.log1p), INVERSE_TRANSFORMS.expm1);
    // original-scale errors 10, 10, 1000 → MAE 340, RMSE sqrt((100 + 100 + 1e6)/3)
    expect(m.original?.mae).toBeCloseTo(340, 8);
    expect(m.original?.rmse).toBeCloseTo(Math.sqrt((100 + 100 + 1e6) / 3), 8);
    expect(m.rmse).toBeCloseTo(rmse(listens.map(Math.log1p), predicted.map(Math.log1p)), 14);
    expect(m.n).toBe(3);
    expect(regressionMetrics([1], [1]).original).toBeUndefined();
  });

  it('typed errors', () => {
    expect(() => rmse([1, 2], [1])).toThrow(MetricsError);
    expect(() => mae([], [])).toThrow(/no examples/);
    expect(() => r2([1, Number.NaN], [1, 2])).toThrow(/index 1/);
  });
});
