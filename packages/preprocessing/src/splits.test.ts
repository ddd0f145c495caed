import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PreprocessingError } from './errors';
import { groupedSplit } from './grouped-split';
import { perUserHoldout } from './per-user-holdout';
import { randomSplit } from './random-split';
import { applySplitMap, parseSplitFile, readSplitFile } from './split-file';
import { splitLabels } from './split.types';
import type { SplitIndices } from './split.types';
import { timeSplit } from './time-split';

const SEEDS = Array.from({ length: 12 }, (_, i) => i * 7919 + 1);

/** Parts are ascending, disjoint and (unless `partial`) cover 0..n−1. */
function expectPartition(split: SplitIndices, n: number, label: string, partial = false): void {
  const seen = new Uint8Array(n);
  for (const name of ['train', 'validation', 'test'] as const) {
    const part = split[name];
    for (let i = 0; i < part.length; i++) {
      const r = part[i] as number;
      if (i > 0 && r <= (part[i - 1] as number)) throw new Error(`${label}: ${name} not ascending at ${i}`);
      if (seen[r]) throw new Error(`${label}: row ${r} is in two parts`);
      seen[r] = 1;
    }
  }
  if (!partial && seen.some((s) => s === 0)) throw new Error(`${label}: some row is in no part`);
}

describe('randomSplit', () => {
  it.each(SEEDS)('seed %i: sizes, disjointness, coverage, determinism', (seed) => {
    const n = 1000 + (seed % 37);
    const s = randomSplit(n, { test: 0.2, validation: 0.1, seed });
    expect(s.test.length, `seed ${seed}`).toBe(Math.round(n * 0.2));
    expect(s.validation.length, `seed ${seed}`).toBe(Math.round(n * 0.1));
    expect(s.train.length + s.validation.length + s.test.length).toBe(n);
    expectPartition(s, n, `seed ${seed}`);
    expect(randomSplit(n, { test: 0.2, validation: 0.1, seed })).toEqual(s);
    expect(Array.from(randomSplit(n, { test: 0.2, validation: 0.1, seed: seed + 1 }).test)).not.toEqual(Array.from(s.test));
  });

  it('rejects bad fractions and seeds', () => {
    expect(() => randomSplit(10, { test: 0.6, validation: 0.4, seed: 1 })).toThrow(/leaves no training rows/);
    expect(() => randomSplit(10, { test: 1.5, seed: 1 })).toThrow(PreprocessingError);
    expect(() => randomSplit(10, { test: 0.2, seed: Number.NaN })).toThrow(/seed must be a finite number/);
  });

  it('labels rows', () => {
    const s = randomSplit(5, { test: 0.4, seed: 3 });
    const labels = splitLabels(5, s);
    expect(labels.filter((l) => l === 'test')).toHaveLength(2);
    expect(labels.filter((l) => l === 'train')).toHaveLength(3);
  });
});

describe('timeSplit', () => {
  it('cuts globally by time, ties at the cut go to the later part', () => {
    const ts = ['2009-01-01', '2008-06-01', '2010-03-01', '2009-01-01', '2007-01-01'];
    const s = timeSplit(ts, { cut: '2009-01-01', validationCut: '2008-01-01' });
    expect(Array.from(s.train)).toEqual([4]);
    expect(Array.from(s.validation)).toEqual([1]);
    expect(Array.from(s.test)).toEqual([0, 2, 3]);
    expect(s.cut).toBe(Date.UTC(2009, 0, 1));
  });

  it('chooses the cut from fractions: every train time < every test time', () => {
    const ts = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) * 1000);
    const s = timeSplit(ts, { testFraction: 0.2, validationFraction: 0.1 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([70, 10, 20]);
    expectPartition(s, 100, 'time');
    const maxTrain = Math.max(...Array.from(s.train, (i) => ts[i] as number));
    const minVal = Math.min(...Array.from(s.validation, (i) => ts[i] as number));
    const minTest = Math.min(...Array.from(s.test, (i) => ts[i] as number));
    expect(maxTrain).toBeLessThan(minVal);
    expect(Math.max(...Array.from(s.validation, (i) => ts[i] as number))).toBeLessThan(minTest);
  });

  it('names a row with a bad timestamp', () => {
    expect(() => timeSplit([0, 'soon'], { cut: 1 })).toThrow(/row 1 is not a time/);
  });
});

describe('perUserHoldout', () => {
  const users: string[] = [];
  const ts: number[] = [];
  for (let u = 0; u < 50; u++) for (let k = 0; k < 1 + (u % 9); k++) {
    users.push(`u${u}`);
    ts.push(1000 - k * 10 + u); // later rows are older: last-by-time ≠ last-by-row
  }

  it('leaveLastN holds out each eligible user\u2019s latest interactions', () => {
    const s = perUserHoldout(users, { leaveLastN: 2, timestamps: ts, minItems: 3, seed: 1 });
    expectPartition(s, users.length, 'lastN');
    const byUser = new Map<string, { train: number[]; test: number[] }>();
    for (const [name, part] of [['train', s.train], ['test', s.test]] as const) {
      for (const r of part) {
        const e = byUser.get(users[r] as string) ?? { train: [], test: [] };
        e[name].push(ts[r] as number);
        byUser.set(users[r] as string, e);
      }
    }
    for (const [u, e] of byUser) {
      const total = e.train.length + e.test.length;
      expect(e.test.length, u).toBe(total >= 3 ? 2 : 0);
      if (e.test.length > 0) expect(Math.min(...e.test), u).toBeGreaterThan(Math.max(...e.train));
    }
  });

  it.each(SEEDS.slice(0, 6))('fraction, seed %i: every eligible user keeps train rows; deterministic', (seed) => {
    const s = perUserHoldout(users, { fraction: 0.3, minItems: 2, seed });
    expectPartition(s, users.length, `seed ${seed}`);
    const trainUsers = new Set(Array.from(s.train, (r) => users[r]));
    for (const r of s.test) expect(trainUsers.has(users[r]), `seed ${seed}`).toBe(true);
    expect(perUserHoldout(users, { fraction: 0.3, minItems: 2, seed })).toEqual(s);
  });

  it('needs exactly one of fraction and leaveLastN', () => {
    expect(() => perUserHoldout(users, { seed: 1 })).toThrow(/exactly one/);
    expect(() => perUserHoldout(users, { fraction: 0.2, leaveLastN: 1, seed: 1 })).toThrow(/exactly one/);
    // A NaN timestamp used to make the sort order, and so the held-out row, arbitrary.
    expect(() => perUserHoldout([1, 1, 1], { leaveLastN: 1, timestamps: [NaN, 2, 1], seed: 1 })).toThrow(/timestamps\[0\] is NaN/);
  });
});

describe('groupedSplit', () => {
  it.each(SEEDS)('seed %i: no group in two parts, sizes near target, deterministic', (seed) => {
    const keys = Array.from({ length: 3000 }, (_, i) => `artist${(i * 2654435761) % 301}`);
    const s = groupedSplit(keys, { test: 0.2, validation: 0.1, seed });
    expectPartition(s, keys.length, `seed ${seed}`);
    const partOf = new Map<string, string>();
    for (const name of ['train', 'validation', 'test'] as const) {
      for (const r of s[name]) {
        const k = keys[r] as string;
        const prev = partOf.get(k);
        if (prev !== undefined && prev !== name) throw new Error(`seed ${seed}: group ${k} in ${prev} and ${name}`);
        partOf.set(k, name);
      }
    }
    const maxGroup = 10; // 3000 rows over 301 groups: at most 10 rows per group
    expect(s.test.length, `seed ${seed}`).toBeGreaterThanOrEqual(600);
    expect(s.test.length, `seed ${seed}`).toBeLessThan(600 + maxGroup);
    expect(s.validation.length, `seed ${seed}`).toBeGreaterThanOrEqual(300);
    expect(groupedSplit(keys, { test: 0.2, validation: 0.1, seed })).toEqual(s);
  });

  it('refuses to return an empty train part when the groups are too few or too large', () => {
    // One group: it used to go wholly to test and train came back empty, silently.
    expect(() => groupedSplit(['a', 'a', 'a'], { test: 0.3, seed: 1 })).toThrow(/no group is left for training \(1 group\(s\) over 3 rows, largest has 3 rows\)/);
    expect(() => groupedSplit(['a', 'a', 'b', 'b'], { test: 0.5, validation: 0.25, seed: 3 })).toThrow(PreprocessingError);
    expect(groupedSplit([], { test: 0.2, seed: 1 })).toEqual({ train: new Int32Array(0), validation: new Int32Array(0), test: new Int32Array(0) });
  });

  it('rejects rows without a group key', () => {
    expect(() => groupedSplit(['a', null, 'b'], { test: 0.5, seed: 1 })).toThrow(/row 1 has no group key/);
  });
});

describe('split files', () => {
  // The shared real data sits beside the project (../shared/data); absent on a user's machine.
  const DATA = resolve(import.meta.dirname, '../../../../shared/data/benchmarks');
  const FMA = `${DATA}/fma-listens/split.csv`;
  const SPOTIFY = `${DATA}/spotify-metadata/split.csv`;
  const skipped = (path: string): string => (existsSync(path) ? '' : ` (skipped: ${path} is absent)`);

  it('applySplitMap puts unknown split names, even Object.prototype members, in unassigned', () => {
    // 'toString' used to crash with a TypeError (it was looked up with `in`).
    const s = applySplitMap(['a', 'b', 'c'], new Map([['a', 'toString'], ['b', 'test'], ['c', 'holdout']]));
    expect([Array.from(s.unassigned), Array.from(s.test)]).toEqual([[0, 2], [1]]);
  });

  it.runIf(existsSync(FMA))(`reads the canonical FMA split (1360 / 240 / 400)${skipped(FMA)}`, async () => {
    const m = await readSplitFile(FMA, { idColumn: 'track_id', splitColumn: 'split' });
    const count = (s: string): number => [...m.values()].filter((v) => v === s).length;
    expect([m.size, count('train'), count('validation'), count('test')]).toEqual([2000, 1360, 240, 400]);
    const s = applySplitMap([2, 3, 10, 999999999], m);
    expect(Array.from(s.unassigned)).toEqual([3]);
    expect(s.train.length + s.validation.length + s.test.length).toBe(3);
  });

  it.runIf(existsSync(SPOTIFY))(`reads both Spotify split columns${skipped(SPOTIFY)}`, async () => {
    const artist = await readSplitFile(SPOTIFY, { idColumn: 'track_id', splitColumn: 'artist_disjoint' });
    const random = await readSplitFile(SPOTIFY, { idColumn: 'track_id', splitColumn: 'random' });
    const tests = (m: Map<string, string>): number => [...m.values()].filter((v) => v === 'test').length;
    expect([artist.size, tests(artist), tests(random)]).toEqual([14385, 2910, 2877]);
  });

  it('reports malformed lines with file and line number', async () => {
    const bad = (text: string, opts = {}): PreprocessingError => {
      try {
        parseSplitFile(text, opts, 'split.csv');
      } catch (e) {
        if (e instanceof PreprocessingError) return e;
      }
      throw new Error('expected an error');
    };
    expect(bad('track_id,split\n1,train\n2,holdout\n').message).toMatch(/^split\.csv:3: unknown split "holdout" for id 2; expected one of train, validation, test/);
    expect(bad('track_id,split\n1,train,extra\n').message).toMatch(/^split\.csv:2: expected 2 fields/);
    expect(bad('track_id,split\n1,train\n\n1,test\n').message).toMatch(/^split\.csv:4: duplicate id 1 \(first on line 2\)/);
    expect(bad('id,split\n1,train\n').message).toMatch(/^split\.csv:1: no "track_id" column/);
    expect(bad('track_id,split\n"1,train\n').message).toMatch(/^split\.csv:2: malformed CSV/);
    expect(bad('track_id,split\n,train\n')).toMatchObject({ code: 'MALFORMED_SPLIT_FILE', context: { file: 'split.csv', line: 2 } });
    expect(parseSplitFile('\uFEFFtrack_id,split\r\n"a,b",test\r\n').get('a,b')).toBe('test');
    const dir = mkdtempSync(join(tmpdir(), 'tk-split-'));
    writeFileSync(join(dir, 's.csv'), 'track_id,split\n1,train\n2,bogus\n');
    await expect(readSplitFile(join(dir, 's.csv'))).rejects.toThrow(/s\.csv:3: unknown split "bogus"/);
    await expect(readSplitFile(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
