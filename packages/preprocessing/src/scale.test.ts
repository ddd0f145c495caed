import { Rng } from '@tunekit/core';
import { describe, expect, it } from 'vitest';
import { featureSpec } from './feature-spec';
import { randomSplit } from './random-split';

// One million rows through every dense kind; asserts correctness only (timing lives in the bench).
describe('1M-row transform', () => {
  it('fits and transforms 1,000,000 rows of typed columns correctly', () => {
    const n = 1_000_000;
    const rng = new Rng(2026);
    const duration = new Float64Array(n);
    const favorites = new Int32Array(n);
    const created = new Float64Array(n);
    const country: (string | null)[] = new Array<string | null>(n);
    const artist: string[] = new Array<string>(n);
    const countries = ['US', 'GB', 'FR', 'DE', 'BR', 'JP', 'MX', 'ES'];
    for (let i = 0; i < n; i++) {
      duration[i] = i % 101 === 0 ? NaN : 60 + rng.next() * 400;
      favorites[i] = Math.floor(rng.next() * 50);
      created[i] = Date.UTC(2008 + (i % 9), i % 12, 1);
      country[i] = i % 53 === 0 ? null : (countries[i % 8] as string);
      artist[i] = `a${i % 20000}`;
    }
    const spec = featureSpec({
      features: [
        { name: 'duration', kind: 'numeric', steps: ['impute:median', 'log1p', 'cap:3', 'zscore'] },
        { name: 'favorites', kind: 'numeric', transform: 'log1p' },
        { name: 'created', kind: 'date', derive: ['year', 'age'], referenceDate: '2017-04-01' },
        { name: 'country', kind: 'categorical' },
        { name: 'artist', kind: 'categorical', encoding: 'index', minFrequency: 2 },
        { name: 'year', column: 'created', kind: 'bucket', boundaries: [2010, 2014], source: 'year' },
      ],
    });
    const columns = { duration, favorites, created, country, artist };
    const fitted = spec.fit(columns);
    const { matrix, width, rows, indices, report } = fitted.transform(columns);
    expect([rows, width]).toEqual([n, 1 + 1 + 2 + 10 + 3]);
    expect(fitted.vocabSizes['artist']).toBe(20002);
    expect(report.features['duration']?.imputed).toBe(Math.floor((n - 1) / 101) + 1);
    expect(report.features['country']?.unknownCategory).toBe(Math.floor((n - 1) / 53) + 1);

    // Z-scored columns: mean ≈ 0, std ≈ 1 on the training rows.
    for (const col of [1, 2, 3]) {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const v = matrix[i * width + col] as number;
        s += v;
        ss += v * v;
      }
      expect(Math.abs(s / n), `column ${col}`).toBeLessThan(1e-3);
      expect(Math.sqrt(ss / n - (s / n) ** 2), `column ${col}`).toBeCloseTo(1, 3);
    }
    // Each one-hot block sums to exactly one per row.
    for (let i = 0; i < n; i += 997) {
      let c = 0;
      for (let j = 4; j < 14; j++) c += matrix[i * width + j] as number;
      let b = 0;
      for (let j = 14; j < 17; j++) b += matrix[i * width + j] as number;
      expect([c, b], `row ${i}`).toEqual([1, 1]);
    }
    // Spot-check a row against the fitted parameters by hand.
    const state = fitted.toJSON();
    const fav = state.features[1]?.fitted;
    if (fav?.kind !== 'numeric') throw new Error('favorites should be numeric');
    const z = fav.steps[2];
    if (z?.op !== 'zscore') throw new Error('third favorites step should be zscore');
    const i = 123_457;
    expect(matrix[i * width + 1]).toBeCloseTo((Math.log1p(favorites[i] as number) - z.mean) / z.std, 5);
    expect(indices['artist']?.indices[i]).toBe(fitted.vocabulary('artist').indexOf(artist[i] as string));

    // A held-out slice transforms with the same state.
    const split = randomSplit(n, { test: 0.001, seed: 1 });
    expect(split.test.length).toBe(1000);
  });
});
