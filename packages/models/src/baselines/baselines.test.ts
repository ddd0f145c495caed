import { describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { invertSpd, blockedCholeskyInPlace } from './cholesky';
import { ease } from './ease.model';
import { evaluateFullRanking } from './full-ranking.eval';
import { buildInteractionMatrix, type InteractionMatrix } from './interaction-matrix';
import { itemKnn } from './item-knn.model';
import { mostPopular } from './most-popular.model';
import type { FullSortScorer } from './scorer';
import { selectTopK } from './select-top-k';

/** Planted clusters: user u likes group u % g; plays popular-within-group items more often. */
function planted(seed: number, nUsers = 120, nItems = 60, groups = 4, perUser = 10): { train: InteractionMatrix; test: InteractionMatrix } {
  const rng = new Rng(seed);
  const tu: number[] = [];
  const ti: number[] = [];
  const vu: number[] = [];
  const vi: number[] = [];
  const size = nItems / groups;
  for (let u = 0; u < nUsers; u++) {
    const g = u % groups;
    const chosen = new Set<number>();
    while (chosen.size < perUser) {
      const inGroup = rng.next() < 0.9;
      const r = Math.floor(size * rng.next() ** 2); // skewed towards the group's first items
      chosen.add(inGroup ? g * size + r : rng.int(nItems));
    }
    [...chosen].forEach((i, k) => (k < perUser - 2 ? (tu.push(u), ti.push(i)) : (vu.push(u), vi.push(i))));
  }
  return { train: buildInteractionMatrix(tu, ti, nUsers, nItems), test: buildInteractionMatrix(vu, vi, nUsers, nItems) };
}

describe('buildInteractionMatrix', () => {
  it('collapses duplicates, sorts rows and builds the transpose', () => {
    const x = buildInteractionMatrix([0, 0, 1, 0], [2, 0, 2, 2], 2, 3);
    expect(Array.from(x.userPtr)).toEqual([0, 2, 3]);
    expect(Array.from(x.userItems)).toEqual([0, 2, 2]);
    expect(Array.from(x.itemPtr)).toEqual([0, 1, 1, 3]);
    expect(Array.from(x.itemUsers)).toEqual([0, 0, 1]);
  });
  it('names the bad position', () => {
    expect(() => buildInteractionMatrix([0, 5], [0, 0], 2, 1)).toThrow(/position 1/);
  });
});

describe('selectTopK', () => {
  it('returns the largest values, ties to the lower index, skipping masked ones', () => {
    expect(Array.from(selectTopK(Float32Array.of(0.1, 0.9, 0.5, 0.9, 0.7), 3))).toEqual([1, 3, 4]);
    expect(Array.from(selectTopK(Float32Array.of(0.1, 0.9, 0.5), 5, Uint8Array.of(0, 1, 0)))).toEqual([2, 0]);
  });
});

describe('blocked Cholesky and SPD inverse', () => {
  it('matches the hand-derived 2×2 golden', () => {
    // A = [[4,2],[2,3]] → L = [[2,0],[1,√2]], A⁻¹ = [[3,−2],[−2,4]]/8
    const a = Float64Array.of(4, 2, 2, 3);
    blockedCholeskyInPlace(a, 2, 1);
    expect(Array.from(a).map((v) => +v.toFixed(6))).toEqual([2, 0, 1, +Math.SQRT2.toFixed(6)]);
    const inv = invertSpd(Float64Array.of(4, 2, 2, 3), 2);
    [0.375, -0.25, -0.25, 0.5].forEach((v, k) => expect(inv[k]).toBeCloseTo(v, 12));
  });
  it('inverts a random 70×70 SPD matrix across several block sizes (A·A⁻¹ = I)', () => {
    const n = 70;
    const rng = new Rng(3);
    const m = Float64Array.from({ length: n * n }, () => rng.uniform(-1, 1));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 5 : 0;
      for (let k = 0; k < n; k++) s += m[i * n + k]! * m[j * n + k]!;
      a[i * n + j] = s;
    }
    for (const block of [1, 16, 64, 128]) {
      const inv = invertSpd(a.slice(), n, block);
      let worst = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
      expect(worst, `block ${block}`).toBeLessThan(1e-9);
    }
  });
  it('rejects a matrix that is not positive definite', () => {
    expect(() => invertSpd(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/not positive definite/);
  });
});

describe('ItemKNN', () => {
  it('computes cosine co-occurrence similarities (hand golden)', () => {
    // users: 0 → {0,1}, 1 → {0,1,2}, 2 → {2}; |U_0| = 2, |U_1| = 2, |U_2| = 2
    // sim(0,1) = 2/(√2·√2) = 1, sim(0,2) = sim(1,2) = 1/2
    const x = buildInteractionMatrix([0, 0, 1, 1, 1, 2], [0, 1, 0, 1, 2, 2], 3, 3);
    const s = new Float32Array(3);
    itemKnn(x, { k: 100 }).scoreUser(2, s); // user 2 has item 2 → sims to 0 and 1 are 0.5
    expect(Array.from(s)).toEqual([0.5, 0.5, 0]);
    itemKnn(x, { k: 1 }).scoreUser(2, s); // column 0 keeps only item 1 (sim 1); column 1 keeps item 0
    expect(Array.from(s)).toEqual([0, 0, 0]);
  });
});

describe('EASE', () => {
  it('dual (Woodbury) scores equal primal scores', () => {
    const { train } = planted(5, 40, 60);
    const p = ease(train, { lambda: 10, solver: 'primal' });
    const d = ease(train, { lambda: 10, solver: 'dual' });
    expect(d.order).toBe(40);
    const a = new Float32Array(60);
    const b = new Float32Array(60);
    let worst = 0;
    for (let u = 0; u < 40; u++) {
      p.scoreUser(u, a);
      d.scoreUser(u, b);
      for (let i = 0; i < 60; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    }
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('evaluateFullRanking', () => {
  it('matches hand-computed metrics', () => {
    // one user, 5 items, item 0 seen in train; scores 4,3,2,1,0 → ranking (masked 0): 1,2,3,4; relevant {2,4}
    // NDCG@10 = (1/log2(3) + 1/log2(5)) / (1 + 1/log2(3)); MRR = 1/2; AP@10 = (1/2 + 2/4)/2 = 0.5
    // AUC: negatives {1,3}; item 2 beats 3 (1/2), item 4 beats none (0) → 0.25
    const train = buildInteractionMatrix([0], [0], 1, 5);
    const scorer: FullSortScorer = { name: 'fixed', nItems: 5, scoreUser: (_u, out) => out.set([4, 3, 2, 1, 0]) };
    const r = evaluateFullRanking(scorer, train, { ptr: Int32Array.of(0, 2), items: Int32Array.of(2, 4) });
    const ndcg = (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3));
    expect(r.means['ndcg@10']).toBeCloseTo(ndcg, 12);
    expect(r.means['mrr']).toBe(0.5);
    expect(r.means['map@10']).toBe(0.5);
    expect(r.means['recall@20']).toBe(1);
    expect(r.means['hit@10']).toBe(1);
    expect(r.means['auc']).toBe(0.25);
    expect(Array.from(r.lists.subarray(0, 4))).toEqual([1, 2, 3, 4]);
  });
  it('ranks planted clusters: ItemKNN and EASE beat most-popular by a margin', () => {
    const { train, test } = planted(11);
    const rel = { ptr: test.userPtr, items: test.userItems };
    const pop = evaluateFullRanking(mostPopular(train), train, rel).means['ndcg@10']!;
    const knn = evaluateFullRanking(itemKnn(train, { k: 20 }), train, rel).means['ndcg@10']!;
    const es = evaluateFullRanking(ease(train, { lambda: 20 }), train, rel).means['ndcg@10']!;
    expect(knn).toBeGreaterThan(pop + 0.05);
    expect(es).toBeGreaterThan(pop + 0.05);
  });
});
