import { CoreError } from './errors';

/**
 * A seeded pseudo-random generator (sfc32, 128-bit state, seeded through splitmix32).
 * Every split, shuffle, sampler and initialiser in tunekit takes one instead of the unseeded global generator.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.shuffle([1, 2, 3]);      // same order for the same seed, every run
 * rng.normal(0, 1);
 * const child = rng.fork('negatives'); // independent stream, derived deterministically
 * ```
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;
  /** The seed this generator was created with. */
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new CoreError('INVALID_ARGUMENT', `Rng seed must be a finite number, got ${seed}`);
    }
    this.seed = seed;
    let s = Math.floor(seed) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A float uniformly distributed in [min, max). */
  uniform(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  /**
   * An integer uniformly distributed in [0, n).
   * @throws CoreError `INVALID_ARGUMENT` when n is not a positive integer.
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new CoreError('INVALID_ARGUMENT', `Rng.int(n) needs a positive integer n, got ${n}`);
    }
    if (n <= 0x100000000) {
      // Rejection sampling removes modulo bias.
      const limit = 0x100000000 - (0x100000000 % n);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return x % n;
    }
    return Math.floor(this.next() * n);
  }

  /** A normally distributed float (Marsaglia polar method). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return mean + std * u * m;
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T, A extends { length: number; [i: number]: T }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /** One element chosen uniformly. @throws CoreError `INVALID_ARGUMENT` on an empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new CoreError('INVALID_ARGUMENT', 'Rng.choice of an empty array');
    return items[this.int(items.length)] as T;
  }

  /**
   * `k` distinct elements chosen uniformly without replacement (partial Fisher–Yates on a copy).
   * @throws CoreError `INVALID_ARGUMENT` when k > items.length.
   */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k > items.length || k < 0) {
      throw new CoreError('INVALID_ARGUMENT', `Rng.sample: cannot take ${k} of ${items.length} items`);
    }
    const copy = items.slice();
    for (let i = 0; i < k; i++) {
      const j = i + this.int(copy.length - i);
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy.slice(0, k);
  }

  /**
   * An index drawn with probability proportional to `weights[i]` (linear scan; use
   * {@link AliasSampler} for many draws from the same weights).
   */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i] as number;
      // A negative weight would make a later index more likely than its weight says; Infinity or NaN break the scan.
      if (!(w >= 0 && w < Infinity)) throw new CoreError('INVALID_ARGUMENT', `Rng.weightedIndex: weight ${i} is ${w}; weights must be finite and ≥ 0`);
      total += w;
    }
    if (!(total > 0 && total < Infinity)) throw new CoreError('INVALID_ARGUMENT', `Rng.weightedIndex: weights must sum to a finite number > 0, got ${total}`);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** A deterministic, independent child generator, keyed by a label. */
  fork(label: string | number): Rng {
    let h = 2166136261 ^ this.seed;
    const text = String(label);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return new Rng((h ^ this.nextUint32()) >>> 0);
  }
}

/**
 * Walker's alias method: O(n) set-up, O(1) per draw from a fixed discrete distribution.
 * Used for popularity-weighted negative sampling and synthetic play generation.
 */
export class AliasSampler {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  /** @param weights - non-negative weights, at least one positive. */
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i] as number;
      if (!(w >= 0 && w < Infinity)) throw new CoreError('INVALID_ARGUMENT', `AliasSampler: weight ${i} is ${w}; weights must be finite and ≥ 0`);
      total += w;
    }
    if (!(total > 0 && total < Infinity)) throw new CoreError('INVALID_ARGUMENT', `AliasSampler: weights must sum to a finite number > 0, got ${total}`);
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = ((weights[i] as number) * n) / total;
      ((scaled[i] as number) < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.prob[s] = scaled[s] as number;
      this.alias[s] = l;
      scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
      ((scaled[l] as number) < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  /** Number of outcomes. */
  get size(): number {
    return this.prob.length;
  }

  /** One index drawn from the distribution. */
  draw(rng: Rng): number {
    const i = rng.int(this.prob.length);
    return rng.next() < (this.prob[i] as number) ? i : (this.alias[i] as number);
  }
}
