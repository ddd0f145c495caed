import { describe, expect, it } from 'vitest';
import { PreprocessingError } from './errors';
import { applyNumericSteps, coerceNumeric, expm1, fitNumericSteps, log1p, meanStd, median, parseNumericSteps } from './numeric.transform';

describe('coerceNumeric', () => {
  it('parses numeric strings and counts what it turned into missing values', () => {
    const { values, counts } = coerceNumeric(['1.5', 'n/a', null, 3, undefined, NaN, '', ' 2e3 ', true, Infinity], { coerce: true, column: 'x' });
    expect(Array.from(values)).toEqual([1.5, NaN, NaN, 3, NaN, NaN, NaN, 2000, 1, NaN]);
    expect(counts).toEqual({ nonNumeric: 1, nan: 3, null: 2 });
  });

  it('throws NON_NUMERIC naming the column and row without a coerce step', () => {
    const err = (() => {
      try {
        coerceNumeric(['1', 'abc'], { coerce: false, column: 'duration_s' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(PreprocessingError);
    expect((err as PreprocessingError).code).toBe('NON_NUMERIC');
    expect((err as PreprocessingError).context).toMatchObject({ column: 'duration_s', row: 1 });
  });

  it('counts NaN in typed arrays', () => {
    expect(coerceNumeric(Float32Array.of(1, NaN, 2), { coerce: false, column: 'x' }).counts.nan).toBe(1);
  });
});

describe('statistics', () => {
  it('median ignores NaN and averages the two middle values', () => {
    expect(median(Float64Array.of(3, NaN, 1, 2))).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN])).toBeNaN();
  });

  it('meanStd is the population std', () => {
    // mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
    const s = meanStd([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
  });
});

describe('numeric steps', () => {
  it('coerce + impute:median + zscore — golden', () => {
    // coerced [1, 3, NaN, 5, NaN]; median of {1,3,5} = 3 → [1, 3, 3, 5, 3];
    // mean 3, variance (4 + 0 + 0 + 4 + 0) / 5 = 1.6, std 1.264911; z = [−1.581139, 0, 0, 1.581139, 0]
    const { coerce, ops } = parseNumericSteps(['coerce', 'impute:median', 'zscore'], 's');
    const { values } = coerceNumeric([1, 3, NaN, 5, 'x'], { coerce, column: 'x' });
    const { steps, counts } = fitNumericSteps(values, ops, 'x');
    expect(counts.imputed).toBe(2);
    expect(steps).toEqual([
      { op: 'impute', strategy: 'median', value: 3 },
      { op: 'zscore', mean: 3, std: Math.sqrt(1.6) },
    ]);
    const expected = [-1.581139, 0, 0, 1.581139, 0];
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
  });

  it('cap:2 clips to mean ± 2σ fitted on train — golden', () => {
    // nine 0s and one 10: mean 1, variance (9·1 + 81) / 10 = 9, σ = 3 → bounds [−5, 7]; 10 → 7
    const values = Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 10]);
    const { steps, counts } = fitNumericSteps(values, [{ op: 'cap', sigma: 2 }], 'x');
    expect(steps[0]).toEqual({ op: 'cap', sigma: 2, lo: -5, hi: 7 });
    expect(counts.capped).toBe(1);
    expect(values[9]).toBe(7);
    // Applying fitted caps to new data uses the train bounds.
    const test = Float64Array.of(-100, 3, 100);
    expect(applyNumericSteps(test, steps, 'x').capped).toBe(2);
    expect(Array.from(test)).toEqual([-5, 3, 7]);
  });

  it('log1p and minmax, and a constant column z-scores to 0', () => {
    const v = Float64Array.of(0, Math.E - 1);
    fitNumericSteps(v, [{ op: 'log1p' }, { op: 'minmax' }], 'x');
    expect(v[0]).toBe(0);
    expect(v[1]).toBeCloseTo(1, 12);
    const c = Float64Array.of(5, 5, 5);
    const { steps } = fitNumericSteps(c, [{ op: 'zscore' }], 'x');
    expect(steps[0]).toEqual({ op: 'zscore', mean: 5, std: 1 });
    expect(Array.from(c)).toEqual([0, 0, 0]);
  });

  it('log1p of a value ≤ −1 is an INVALID_VALUE error naming the row', () => {
    expect(() => fitNumericSteps(Float64Array.of(0, -2), [{ op: 'log1p' }], 'x')).toThrow(/row 1: log1p needs values > -1/);
  });

  it('rejects unknown steps, a misplaced coerce and bad caps with the step path', () => {
    expect(() => parseNumericSteps(['zscore', 'lg1p'], 'features[0].steps')).toThrow(/features\[0\]\.steps\[1\]: unknown step "lg1p"/);
    expect(() => parseNumericSteps(['zscore', 'coerce'], 'p')).toThrow(/p\[1\]: 'coerce' must be the first step/);
    expect(() => parseNumericSteps(['cap:-1'], 'p')).toThrow(/p\[0\]/);
    expect(() => parseNumericSteps(['cap:'], 'p')).toThrow(/p\[0\]/);
  });

  it('log1p / expm1 helpers invert each other', () => {
    const x = [0, 1, 10, 1000];
    const back = expm1(log1p(x));
    x.forEach((v, i) => expect(back[i]).toBeCloseTo(v, 2));
  });
});
