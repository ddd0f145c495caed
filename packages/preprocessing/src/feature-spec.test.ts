import { describe, expect, it } from 'vitest';
import { PreprocessingError } from './errors';
import { FittedFeatureSpec, featureSpec } from './feature-spec';
import type { FeatureSpecInput } from './feature-spec.types';

function caught(fn: () => unknown): PreprocessingError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PreprocessingError) return e;
    throw e;
  }
  throw new Error('expected a PreprocessingError');
}

const small: FeatureSpecInput = {
  features: [
    { name: 'x', kind: 'numeric', steps: ['impute:mean', 'zscore'] },
    { name: 'c', kind: 'categorical', minFrequency: 2 },
    { name: 'b', kind: 'bucket', boundaries: [10] },
  ],
  target: { name: 'y', transform: 'log1p' },
};
const train = {
  x: [2, 4, null, 6],
  c: ['a', 'b', 'a', null],
  b: [5, 10, null, 20],
  y: [0, Math.E - 1, 9, 99],
};

describe('featureSpec fit/transform', () => {
  it('matches a hand-derived matrix', () => {
    // x: mean of {2,4,6} = 4 → [2,4,4,6]; mean 4, variance (4+0+0+4)/4 = 2 → z = [−√2, 0, 0, √2]
    // c: counts a 2, b 1 → vocabulary [a]; ids [2, 1, 2, 0]; one-hot over [<unknown>, <other>, a]
    // b: boundaries [10] → ids [1, 2, 0, 2]; one-hot over [<10, >=10], missing → zeros
    const fitted = featureSpec(small).fit(train);
    const { matrix, featureNames, width, rows, indices, report } = fitted.transform(train);
    expect(featureNames).toEqual(['x', 'c=<unknown>', 'c=<other>', 'c=a', 'b=<10', 'b=>=10']);
    expect([width, rows]).toEqual([6, 4]);
    const r2 = Math.SQRT2;
    const expected = [
      [-r2, 0, 0, 1, 1, 0],
      [0, 0, 1, 0, 0, 1],
      [0, 0, 0, 1, 0, 0],
      [r2, 1, 0, 0, 0, 1],
    ];
    expected.flat().forEach((v, i) => expect(matrix[i]).toBeCloseTo(v, 6));
    expect(Array.from(indices['c']?.indices ?? [])).toEqual([2, 1, 2, 0]);
    expect(Array.from(indices['b']?.indices ?? [])).toEqual([1, 2, 0, 2]);
    expect(fitted.vocabSizes).toEqual({ c: 3, b: 3 });
    expect(fitted.vocabulary('c')).toEqual(['<unknown>', '<other>', 'a']);
    expect(report.features['x']).toMatchObject({ null: 1, imputed: 1 });
    expect(report.features['c']).toMatchObject({ unknownCategory: 1, otherCategory: 1 });
    expect(report.features['b']).toMatchObject({ null: 1, unknownCategory: 1 });

    // New rows use train statistics: x 8 → (8 − 4)/√2 = 2.828427; 'z' unseen → <other>; 9 → <10.
    const t = fitted.transform({ x: [8], c: ['z'], b: [9] });
    expect(Array.from(t.matrix).map((v) => +v.toFixed(5))).toEqual([2.82843, 0, 1, 0, 1, 0]);
  });

  it('transforms the target with log1p and inverts it with expm1', () => {
    const fitted = featureSpec(small).fit(train);
    const y = fitted.transformTarget(train.y);
    // ln(1 + [0, e − 1, 9, 99]) = [0, 1, ln 10, ln 100]
    [0, 1, Math.log(10), Math.log(100)].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
    const back = fitted.inverseTarget([0, 1, Math.log(10)]);
    [0, Math.E - 1, 9].forEach((v, i) => expect(back[i]).toBeCloseTo(v, 10));
    expect(caught(() => fitted.transformTarget([1, null])).code).toBe('MISSING_VALUES');
  });

  it('standardizes the target with train statistics when asked', () => {
    const fitted = featureSpec({ ...small, target: { name: 'y', standardize: true } }).fit({ ...train, y: [1, 2, 3, 4] });
    const t = fitted.target;
    expect(t?.mean).toBe(2.5);
    expect(t?.std).toBeCloseTo(Math.sqrt(1.25), 12);
    const back = fitted.inverseTarget(fitted.transformTarget([1, 4]));
    expect(back[0]).toBeCloseTo(1, 6);
    expect(back[1]).toBeCloseTo(4, 6);
  });

  it('builds the documented full spec: dates, multi-hot with count, embeddings-only categorical', () => {
    const spec = featureSpec({
      features: [
        { name: 'duration_s', kind: 'numeric', steps: ['coerce', 'impute:median', 'log1p', 'cap:3', 'zscore'] },
        { name: 'favorites', kind: 'numeric', transform: 'log1p' },
        { name: 'date_created', kind: 'date', derive: ['year', 'age'], referenceDate: '2017-04-01' },
        { name: 'country', kind: 'categorical', encoding: 'index' },
        { name: 'genres', kind: 'multi-categorical', maxCategories: 2, maxItems: 2 },
        { name: 'decade', column: 'date_created', kind: 'bucket', boundaries: [2000, 2010], source: 'year' },
      ],
      target: { name: 'listens', transform: 'log1p' },
    });
    const cols = {
      duration_s: ['100', 'n/a', null, 300, 200],
      favorites: [0, 1, 2, 3, 4],
      date_created: ['11/26/2008 01:48:12 AM', '2010-01-01', '2008', null, 'garbage'],
      country: ['US', 'US', 'GB', null, 'FR'],
      genres: [['Rock', 'Pop', 'Jazz'], 'Rock', null, 'Jazz|Rock', []],
      listens: [10, 100, 1000, 5, 0],
    };
    const fitted = spec.fit(cols);
    const out = fitted.transform(cols);
    expect(out.featureNames).toEqual([
      'duration_s', 'favorites', 'date_created.year', 'date_created.age',
      'genres=<other>', 'genres=Rock', 'genres=Jazz', 'genres.count',
      'decade=<2000', 'decade=[2000,2010)', 'decade=>=2010',
    ]);
    const row = (i: number): number[] => Array.from(out.matrix.subarray(i * out.width, (i + 1) * out.width));
    // genres: Rock 3, Jazz 2, Pop 1 → top 2 [Rock, Jazz]; row 0 has Rock, Pop (→ other), Jazz; count 3.
    expect(row(0).slice(4, 8)).toEqual([1, 1, 1, 3]);
    // Multi-hot is not truncated by maxItems, but the index column is (2 ids per row).
    expect(Array.from(out.indices['genres']?.indices.subarray(0, 2) ?? [])).toEqual([2, 1]);
    expect(row(4).slice(4, 8)).toEqual([0, 0, 0, 0]);
    expect(row(1).slice(8)).toEqual([0, 0, 1]);
    expect(row(3).slice(8)).toEqual([0, 0, 0]);
    // country: US 2, FR 1, GB 1 (ties in code-unit order) → US 2, FR 3, GB 4; missing → 0.
    expect(out.indices['country']).toEqual({ indices: Int32Array.of(2, 2, 4, 0, 3), vocabSize: 5, itemsPerRow: 1 });
    expect(out.report.features['duration_s']).toMatchObject({ nonNumeric: 1, null: 1, imputed: 2 });
    expect(out.report.features['date_created']).toMatchObject({ null: 1, invalidDate: 1, partialDate: 1, imputed: 5 });
  });

  it('requires explicit missing-value handling', () => {
    const err = caught(() => featureSpec({ features: [{ name: 'x', kind: 'numeric', steps: ['coerce', 'zscore'] }] }).fit({ x: [1, 'n/a', 3] }));
    expect(err.code).toBe('MISSING_VALUES');
    expect(err.context).toMatchObject({ feature: 'x', count: 1, firstRow: 1 });
    expect(err.message).toMatch(/add 'impute:median'/);
  });

  it('names an unknown column in transform', () => {
    const fitted = featureSpec(small).fit(train);
    const err = caught(() => fitted.transform({ x: [1], b: [1] }));
    expect(err.code).toBe('UNKNOWN_COLUMN');
    expect(err.context['column']).toBe('c');
    expect(err.message).toMatch(/Unknown column "c"/);
    expect(caught(() => fitted.transform({ x: [1, 2], c: ['a'], b: [1] })).code).toBe('LENGTH_MISMATCH');
  });
});

describe('spec validation', () => {
  const bad = (spec: unknown): PreprocessingError => caught(() => featureSpec(spec as FeatureSpecInput));
  it('names the path of the problem', () => {
    expect(bad({ features: [] }).message).toMatch(/^spec\.features: needs at least one/);
    expect(bad({ features: [{ name: 'x', kind: 'numerc' }] }).message).toMatch(/spec\.features\[0\]\.kind: expected one of/);
    expect(bad({ features: [{ name: 'x', kind: 'numeric', stpes: [] }] }).message).toMatch(/spec\.features\[0\]\.stpes: unknown key/);
    expect(bad({ features: [{ name: 'x', kind: 'numeric', steps: ['zscore', 'log'] }] }).message).toMatch(/spec\.features\[0\]\.steps\[1\]/);
    expect(bad({ features: [{ name: 'd', kind: 'date', derive: ['age'] }] }).message).toMatch(/spec\.features\[0\]\.referenceDate: deriving 'age' needs/);
    expect(bad({ features: [{ name: 'c', kind: 'categorical', minFrequency: 0 }] }).message).toMatch(/spec\.features\[0\]\.minFrequency: expected an integer ≥ 1/);
    expect(bad({ features: [{ name: 'x', kind: 'numeric' }, { name: 'x', kind: 'numeric' }] }).message).toMatch(/spec\.features\[1\]\.name: "x" is already used by spec\.features\[0\]/);
    expect(bad({ features: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', transform: 'log' } }).message).toMatch(/spec\.target\.transform/);
    expect(bad({ features: [{ name: 'b', kind: 'bucket', boundaries: [3, 1] }] }).code).toBe('INVALID_SPEC');
  });
});

describe('fitted state JSON', () => {
  const spec = featureSpec({
    features: [
      { name: 'n', kind: 'numeric', steps: ['coerce', 'impute:median', 'log1p', 'cap:3', 'zscore'] },
      { name: 'd', kind: 'date', derive: ['year', 'age', 'month'], referenceDate: '2017-04-01' },
      { name: 'c', kind: 'categorical', minFrequency: 2 },
      { name: 'g', kind: 'multi-categorical' },
      { name: 'b', kind: 'bucket', boundaries: [0.1, 0.5] },
    ],
    target: { name: 'y', transform: 'log1p', standardize: true },
  });
  const make = (n: number, offset: number): Record<string, unknown[]> => {
    const cols: Record<string, unknown[]> = { n: [], d: [], c: [], g: [], b: [], y: [] };
    for (let i = 0; i < n; i++) {
      const k = i + offset;
      cols['n']?.push(k % 7 === 0 ? 'bad' : ((k * 7919) % 1000) / 3);
      cols['d']?.push(k % 11 === 0 ? null : `20${10 + (k % 8)}-0${1 + (k % 9)}-1${k % 10}`);
      cols['c']?.push(['x', 'y', 'z', `rare${k}`][k % 4]);
      cols['g']?.push(k % 5 === 0 ? null : ['p', 'q', 'r'].slice(0, 1 + (k % 3)).join('|'));
      cols['b']?.push(((k * 31) % 100) / 100);
      cols['y']?.push(k % 50);
    }
    return cols;
  };

  it('round-trips exactly: same JSON, bit-identical transforms', () => {
    const fitted = spec.fit(make(200, 0));
    const json = fitted.toJSON();
    const text = JSON.stringify(json);
    const again = FittedFeatureSpec.fromJSON(JSON.parse(text));
    const fromText = FittedFeatureSpec.fromJSON(text);
    expect(again.toJSON()).toEqual(json);
    expect(JSON.stringify(fromText.toJSON())).toBe(text);
    const test = make(80, 1000);
    const a = fitted.transform(test);
    const b = again.transform(test);
    expect(Buffer.from(b.matrix.buffer).equals(Buffer.from(a.matrix.buffer))).toBe(true);
    expect(b.featureNames).toEqual(a.featureNames);
    expect(b.indices).toEqual(a.indices);
    expect(Array.from(again.transformTarget(test['y'] ?? []))).toEqual(Array.from(fitted.transformTarget(test['y'] ?? [])));
  });

  it('rejects tampered state with the JSON path', () => {
    const json = spec.fit(make(50, 0)).toJSON() as unknown as { features: { fitted: { steps: unknown[] } }[] };
    const broken = structuredClone(json);
    (broken.features[0] as { fitted: { steps: unknown[] } }).fitted.steps[0] = { op: 'impute', strategy: 'median', value: 'x' };
    expect(caught(() => FittedFeatureSpec.fromJSON(broken)).message).toMatch(/state\.features\[0\]\.fitted\.steps\[0\]\.value/);
    expect(caught(() => FittedFeatureSpec.fromJSON({ ...json, version: 2 })).message).toMatch(/state\.version/);
    expect(caught(() => FittedFeatureSpec.fromJSON('{not json')).code).toBe('INVALID_SPEC');
  });

  it('rejects a zero or negative standard deviation (it would divide the features/target by 0)', () => {
    const json = spec.fit(make(50, 0)).toJSON() as unknown as {
      features: { fitted: { steps?: { op: string; std?: number }[] } }[];
      target: { std: number } | null;
    };
    const f = json.features.findIndex((x) => x.fitted.steps?.some((s) => s.op === 'zscore'));
    expect(f).toBeGreaterThanOrEqual(0);
    const badStep = structuredClone(json);
    const steps = badStep.features[f]?.fitted.steps ?? [];
    const z = steps.findIndex((s) => s.op === 'zscore');
    (steps[z] as { std: number }).std = 0;
    const e = caught(() => FittedFeatureSpec.fromJSON(badStep));
    expect(e.code).toBe('INVALID_SPEC');
    expect(e.message).toContain(`state.features[${f}].fitted.steps[${z}].std`);
    expect(json.target).not.toBeNull();
    const badTarget = structuredClone(json);
    (badTarget.target as { std: number }).std = -1;
    expect(caught(() => FittedFeatureSpec.fromJSON(badTarget)).message).toMatch(/state\.target\.std: expected a number > 0/);
  });

  it('fits on train only: transforming other rows never changes the fitted state', () => {
    const trainCols = make(200, 0);
    const testCols = make(200, 5000);
    // Shift the test distribution and add unseen categories so a leaking fit would notice.
    testCols['n'] = (testCols['n'] ?? []).map((v) => (typeof v === 'number' ? v * 100 + 1e6 : v));
    testCols['c'] = (testCols['c'] ?? []).map((_, i) => `unseen${i % 3}`);
    const fitted = spec.fit(trainCols);
    const before = JSON.stringify(fitted.toJSON());
    const trainMatrix = fitted.transform(trainCols).matrix.slice();
    const t = fitted.transform(testCols);
    fitted.transformTarget(testCols['y'] ?? []);
    expect(JSON.stringify(fitted.toJSON())).toBe(before);
    expect(Array.from(fitted.transform(trainCols).matrix)).toEqual(Array.from(trainMatrix));
    expect(t.report.features['c']?.otherCategory).toBe(200);
    // Control: fitting on train + test would give different statistics, so the check above can fail.
    const both = Object.fromEntries(Object.keys(trainCols).map((k) => [k, [...(trainCols[k] ?? []), ...(testCols[k] ?? [])]]));
    expect(JSON.stringify(spec.fit(both).toJSON())).not.toBe(before);
  });
});
