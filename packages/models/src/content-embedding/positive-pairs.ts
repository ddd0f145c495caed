import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';

/** Weighted positive pairs of row indices (unordered, `a < b`, each pair once). */
export interface PairSet {
  /** int32 `[pairs]` first row of each pair. */
  a: Int32Array;
  /** int32 `[pairs]` second row. */
  b: Int32Array;
  /** float32 `[pairs]` weight: in how many groups the pair was drawn (co-occurrence). */
  weight: Float32Array;
}

/** Options of {@link coOccurrencePairs}. */
export interface CoOccurrenceOptions {
  /**
   * Most pairs drawn from one group (user, playlist, session). A group of n members has
   * n(n−1)/2 pairs: all are taken when that is within the cap, else `cap` distinct pairs are
   * sampled uniformly — so heavy users cannot dominate and the cost stays linear.
   */
  maxPairsPerGroup: number;
  seed: number;
}

function pairKey(a: number, b: number): number {
  return a < b ? a * 0x200000 + b : b * 0x200000 + a;
}

/**
 * Builds positive pairs from co-occurrence: two rows that appear in the same group (played by the
 * same user, in the same playlist or listening session). Pairs are capped per group (seeded
 * sampling) and aggregated over groups; a pair's weight is the number of groups it was drawn in.
 *
 * @param groups - per group, the distinct row indices of its members (int32, < 2^21)
 * @param options - {@link CoOccurrenceOptions}
 * @returns pairs sorted by (a, b)
 * @throws ModelsError `INVALID_INPUT` for a cap < 1 or a row index ≥ 2^21
 * @example
 * ```ts
 * coOccurrencePairs([Int32Array.of(0, 1, 2), Int32Array.of(1, 2)], { maxPairsPerGroup: 10, seed: 1 });
 * // pairs (0,1) w1, (0,2) w1, (1,2) w2
 * ```
 */
export function coOccurrencePairs(groups: readonly Int32Array[], options: CoOccurrenceOptions): PairSet {
  const cap = options.maxPairsPerGroup;
  if (!Number.isInteger(cap) || cap < 1) throw new ModelsError('INVALID_INPUT', `maxPairsPerGroup must be a positive integer, got ${cap}.`, { context: { maxPairsPerGroup: cap } });
  const rng = new Rng(options.seed);
  const counts = new Map<number, number>();
  const add = (x: number, y: number): void => {
    const key = pairKey(x, y);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (let g = 0; g < groups.length; g++) {
    const members = Array.from(new Set(groups[g] as Int32Array));
    for (const m of members) {
      if (!(m >= 0 && m < 0x200000)) throw new ModelsError('INVALID_INPUT', `group ${g} has row index ${m}; indices must be in [0, 2^21).`, { context: { group: g, row: m } });
    }
    const n = members.length;
    const all = (n * (n - 1)) / 2;
    if (all === 0) continue;
    if (all <= cap) {
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) add(members[i] as number, members[j] as number);
      continue;
    }
    const seen = new Set<number>();
    // cap < all, so rejection terminates; when cap is close to all it is still O(all) expected.
    while (seen.size < cap) {
      const i = rng.int(n);
      let j = rng.int(n - 1);
      if (j >= i) j++;
      const key = pairKey(members[i] as number, members[j] as number);
      if (seen.has(key)) continue;
      seen.add(key);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const keys = [...counts.keys()].sort((x, y) => x - y);
  const a = new Int32Array(keys.length);
  const b = new Int32Array(keys.length);
  const weight = new Float32Array(keys.length);
  keys.forEach((key, i) => {
    a[i] = Math.floor(key / 0x200000);
    b[i] = key % 0x200000;
    weight[i] = counts.get(key) as number;
  });
  return { a, b, weight };
}

/**
 * Positive pairs from shared labels (supervised by e.g. genre): each row is paired with
 * `pairsPerRow` other rows drawn uniformly from its label (seeded), weight 1.
 *
 * @param labels - int32 `[rows]` label per row; a negative label means "no label" (skipped)
 * @param pairsPerRow - partners drawn per row
 * @param seed - seed of the draws
 * @returns the pairs (duplicates merged, weight = times drawn)
 * @throws ModelsError `INVALID_INPUT` for pairsPerRow < 1
 * @example
 * ```ts
 * sameLabelPairs(Int32Array.of(0, 0, 1, 1), 1, 7); // pairs (0,1) and (2,3)
 * ```
 */
export function sameLabelPairs(labels: Int32Array, pairsPerRow: number, seed: number): PairSet {
  if (!Number.isInteger(pairsPerRow) || pairsPerRow < 1) throw new ModelsError('INVALID_INPUT', `pairsPerRow must be a positive integer, got ${pairsPerRow}.`, { context: { pairsPerRow } });
  const byLabel = new Map<number, number[]>();
  labels.forEach((l, i) => {
    if (l < 0) return;
    const list = byLabel.get(l);
    if (list) list.push(i);
    else byLabel.set(l, [i]);
  });
  const rng = new Rng(seed);
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const members = byLabel.get(labels[i] as number);
    if (!members || members.length < 2) continue;
    for (let p = 0; p < pairsPerRow; p++) {
      let j = members[rng.int(members.length)] as number;
      while (j === i) j = members[rng.int(members.length)] as number;
      const key = pairKey(i, j);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const keys = [...counts.keys()].sort((x, y) => x - y);
  return {
    a: Int32Array.from(keys, (k) => Math.floor(k / 0x200000)),
    b: Int32Array.from(keys, (k) => k % 0x200000),
    weight: Float32Array.from(keys, (k) => counts.get(k) as number),
  };
}

/**
 * Deterministic hold-out assignment of a group key (e.g. a user id): true for about `fraction`
 * of keys, the same for the same (key, seed) in every process — so a trainer and an evaluator
 * agree on which users' co-listening is held out without sharing a file.
 *
 * @param key - integer group key
 * @param fraction - share held out, in [0, 1]
 * @param seed - salt
 * @returns whether the key is held out
 * @example
 * ```ts
 * isHeldOutKey(17, 0.2, 42); // same answer on every run
 * ```
 */
export function isHeldOutKey(key: number, fraction: number, seed: number): boolean {
  let h = Math.imul((key | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seed | 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x100000000 < fraction;
}
