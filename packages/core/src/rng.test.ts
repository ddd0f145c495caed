import { describe, expect, it } from 'vitest';
import { AliasSampler, CoreError, Rng } from './index';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('produces uniform floats in [0,1) with the right mean and variance', () => {
    const rng = new Rng(1);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      s += x;
      s2 += x * x;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('draws normals with mean and std as asked', () => {
    const rng = new Rng(7);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal(3, 2);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(s2 / n - mean * mean)).toBeCloseTo(2, 1);
  });

  it('int(n) covers 0..n-1 evenly', () => {
    const rng = new Rng(3);
    const counts = new Int32Array(6);
    for (let i = 0; i < 60_000; i++) {
      const k = rng.int(6);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => rng.int(0)).toThrow(CoreError);
  });

  it('shuffle is a permutation and sample draws distinct items', () => {
    const rng = new Rng(5);
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = rng.shuffle(xs.slice());
    expect(shuffled).not.toEqual(xs);
    expect(shuffled.slice().sort((p, q) => p - q)).toEqual(xs);
    const s = rng.sample(xs, 10);
    expect(new Set(s).size).toBe(10);
    expect(() => rng.sample(xs, 51)).toThrow(/cannot take 51 of 50/);
  });

  it('fork gives reproducible independent streams', () => {
    const a = new Rng(9).fork('x');
    const b = new Rng(9).fork('x');
    const c = new Rng(9).fork('y');
    expect(a.next()).toBe(b.next());
    expect(new Rng(9).fork('x').next()).not.toBe(c.next());
  });
});

describe('AliasSampler', () => {
  it('draws in proportion to the weights', () => {
    const w = [1, 0, 3, 6];
    const sampler = new AliasSampler(w);
    const rng = new Rng(11);
    const counts = new Int32Array(4);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const k = sampler.draw(rng);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts[1]).toBe(0);
    expect((counts[0] as number) / n).toBeCloseTo(0.1, 2);
    expect((counts[2] as number) / n).toBeCloseTo(0.3, 2);
    expect((counts[3] as number) / n).toBeCloseTo(0.6, 2);
  });

  it('rejects negative and all-zero weights', () => {
    expect(() => new AliasSampler([1, -1])).toThrow(CoreError);
    expect(() => new AliasSampler([0, 0])).toThrow(/sum to a finite number > 0/);
  });

  it('rejects infinite weights and sums (they used to give NaN probabilities)', () => {
    expect(() => new AliasSampler([1, Infinity])).toThrow(/weight 1 is Infinity/);
    expect(() => new AliasSampler([Number.MAX_VALUE, Number.MAX_VALUE])).toThrow(/finite number > 0, got Infinity/);
  });

  it('Rng.weightedIndex rejects negative, NaN and infinite weights', () => {
    const rng = new Rng(1);
    // [-1, 2]: the scan used to return index 1 on every draw even though weight 0 is "-1".
    expect(() => rng.weightedIndex([-1, 2])).toThrow(CoreError);
    expect(() => rng.weightedIndex([1, Number.NaN])).toThrow(/weight 1 is NaN/);
    expect(() => rng.weightedIndex([Infinity])).toThrow(/weight 0 is Infinity/);
    expect(() => rng.weightedIndex([0, 0])).toThrow(/sum to a finite number > 0/);
    expect(rng.weightedIndex([0, 3, 0])).toBe(1);
  });
});
