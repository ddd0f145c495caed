import { Rng } from '@tunekit/core';
import { describe, expect, it } from 'vitest';
import { evaluateRanking } from './evaluate-ranking';
import {
  averagePrecisionAtK,
  dcgAtK,
  f1AtK,
  hitAtK,
  ndcgAtK,
  precisionAtK,
  rPrecision,
  recallAtK,
  reciprocalRank,
} from './ranking-metrics';

interface Case {
  list: number[];
  rel: Map<number, number>;
  relSet: Set<number>;
}

/** A random user: a list of distinct ids from a catalogue of 60, relevant items with grades 1..3. */
function randomCase(rng: Rng): Case {
  const catalogue = Array.from({ length: 60 }, (_, i) => i);
  const list = rng.sample(catalogue, 1 + rng.int(40));
  const relIds = rng.sample(catalogue, 1 + rng.int(12));
  const rel = new Map(relIds.map((id) => [id, 1 + rng.int(3)] as [number, number]));
  return { list, rel, relSet: new Set(relIds) };
}

const SEEDS = Array.from({ length: 200 }, (_, i) => 1000 + i);

describe('seeded properties of ranking metrics', () => {
  it('bounds: every metric in [0, 1]', () => {
    for (const seed of SEEDS) {
      const { list, rel, relSet } = randomCase(new Rng(seed));
      for (const k of [1, 5, 10, 50]) {
        for (const v of [
          ndcgAtK(list, rel, k),
          ndcgAtK(list, rel, k, { gain: 'exponential' }),
          ndcgAtK(list, relSet, k),
          averagePrecisionAtK(list, relSet, k),
          averagePrecisionAtK(list, relSet, k, { denominator: 'relevant' }),
          reciprocalRank(list, relSet, k),
          hitAtK(list, relSet, k),
          precisionAtK(list, relSet, k),
          recallAtK(list, relSet, k),
          f1AtK(list, relSet, k),
          rPrecision(list, relSet),
        ]) {
          if (!(v >= 0 && v <= 1 + 1e-12)) expect.fail(`value ${v} outside [0, 1] at seed ${seed}, k ${k}`);
        }
      }
    }
  });

  it('a perfect ranking scores 1 (NDCG, AP, MRR, R-prec; recall when k ≥ |R|)', () => {
    for (const seed of SEEDS) {
      const rng = new Rng(seed);
      const { rel } = randomCase(rng);
      // ideal: relevant by grade descending, then non-relevant filler
      const ideal = [...rel.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
      const list = [...ideal, 100, 101, 102];
      const relSet = new Set(rel.keys());
      for (const k of [1, 3, 10]) {
        expect(ndcgAtK(list, rel, k), `seed ${seed}`).toBeCloseTo(1, 12);
        expect(ndcgAtK(list, rel, k, { gain: 'exponential' }), `seed ${seed}`).toBeCloseTo(1, 12);
        expect(averagePrecisionAtK(list, relSet, k), `seed ${seed}`).toBeCloseTo(1, 12);
        if (k >= relSet.size) expect(recallAtK(list, relSet, k), `seed ${seed}`).toBe(1);
      }
      expect(reciprocalRank(list, relSet)).toBe(1);
      expect(rPrecision(list, relSet)).toBe(1);
    }
  });

  it('invariance: whatever follows the cut-off does not change @k metrics', () => {
    for (const seed of SEEDS) {
      const rng = new Rng(seed);
      const { list, rel, relSet } = randomCase(rng);
      const k = 1 + rng.int(list.length);
      const head = list.slice(0, k);
      const tail = rng.shuffle(list.slice(k));
      const other = [...head, ...tail, 200, 201];
      expect(ndcgAtK(other, rel, k), `seed ${seed}`).toBeCloseTo(ndcgAtK(list, rel, k), 12);
      expect(averagePrecisionAtK(other, relSet, k)).toBeCloseTo(averagePrecisionAtK(list, relSet, k), 12);
      expect(recallAtK(other, relSet, k)).toBe(recallAtK(list, relSet, k));
      expect(precisionAtK(other, relSet, k)).toBe(precisionAtK(list, relSet, k));
      expect(reciprocalRank(other, relSet, k)).toBe(reciprocalRank(list, relSet, k));
    }
  });

  it('monotonicity: swapping a relevant item above a non-relevant one never lowers NDCG/AP/MRR', () => {
    for (const seed of SEEDS) {
      const rng = new Rng(seed);
      const { list, rel, relSet } = randomCase(rng);
      const pos = list.findIndex((id, i) => i > 0 && relSet.has(id) && !relSet.has(list[i - 1] as number));
      if (pos < 0) continue;
      const better = list.slice();
      [better[pos - 1], better[pos]] = [better[pos] as number, better[pos - 1] as number];
      for (const k of [1, 5, 10, 40]) {
        expect(ndcgAtK(better, rel, k), `seed ${seed} k ${k}`).toBeGreaterThanOrEqual(ndcgAtK(list, rel, k) - 1e-12);
        expect(averagePrecisionAtK(better, relSet, k)).toBeGreaterThanOrEqual(averagePrecisionAtK(list, relSet, k) - 1e-12);
        expect(reciprocalRank(better, relSet, k)).toBeGreaterThanOrEqual(reciprocalRank(list, relSet, k));
      }
    }
  });

  it('monotonicity in k: DCG, hit and recall never decrease as k grows', () => {
    for (const seed of SEEDS) {
      const { list, rel, relSet } = randomCase(new Rng(seed));
      for (let k = 1; k < 45; k++) {
        const ok =
          dcgAtK(list, rel, k + 1) >= dcgAtK(list, rel, k) &&
          hitAtK(list, relSet, k + 1) >= hitAtK(list, relSet, k) &&
          recallAtK(list, relSet, k + 1) >= recallAtK(list, relSet, k);
        if (!ok) expect.fail(`monotonicity in k broken at seed ${seed}, k ${k}`);
      }
    }
  });

  it('MRR = 1 / rank of the first relevant item', () => {
    for (const seed of SEEDS) {
      const { list, relSet } = randomCase(new Rng(seed));
      const first = list.findIndex((id) => relSet.has(id));
      expect(reciprocalRank(list, relSet), `seed ${seed}`).toBe(first < 0 ? 0 : 1 / (first + 1));
    }
  });

  it('evaluateRanking equals the per-user functions, for Set, Map and CSR relevance', () => {
    const rng = new Rng(77);
    const cases = Array.from({ length: 300 }, () => randomCase(rng));
    cases[5] = { list: [1, 2, 3], rel: new Map(), relSet: new Set() }; // a user with nothing relevant
    const specs = ['ndcg@10', 'ndcg-exp@5', 'dcg@10', 'map@10', 'map-r@10', 'mrr@10', 'recall@20', 'precision@10', 'hit@10', 'f1@10'];
    const lists = cases.map((c) => c.list);
    const offsets = new Int32Array(cases.length + 1);
    cases.forEach((c, u) => (offsets[u + 1] = (offsets[u] as number) + c.rel.size));
    const items = new Int32Array(offsets[cases.length] as number);
    const grades = new Float32Array(items.length);
    cases.forEach((c, u) => {
      let w = offsets[u] as number;
      for (const [id, g] of c.rel) {
        items[w] = id;
        grades[w++] = g;
      }
    });
    const viaMap = evaluateRanking({ lists, relevant: cases.map((c) => c.rel) }, specs);
    const viaCsr = evaluateRanking({ lists, relevant: { items, offsets, grades } }, specs);
    expect(viaMap.population.usersWithoutRelevant).toBe(1);
    expect([...viaMap.population.usersWithoutRelevantIndices]).toEqual([5]);
    for (const s of specs) {
      for (let u = 0; u < cases.length; u++) {
        const a = (viaMap.perUser[s] as Float64Array)[u] as number;
        const b = (viaCsr.perUser[s] as Float64Array)[u] as number;
        if (u === 5) expect(a).toBeNaN();
        else expect(b, `${s} user ${u}`).toBeCloseTo(a, 12);
      }
    }
    let sum = 0;
    cases.forEach((c, u) => {
      if (u === 5) return;
      sum += ndcgAtK(c.list, c.rel, 10);
      expect((viaMap.perUser['map@10'] as Float64Array)[u]).toBeCloseTo(averagePrecisionAtK(c.list, c.relSet, 10), 12);
      expect((viaMap.perUser['f1@10'] as Float64Array)[u]).toBeCloseTo(f1AtK(c.list, c.relSet, 10), 12);
      expect((viaMap.perUser['ndcg-exp@5'] as Float64Array)[u]).toBeCloseTo(ndcgAtK(c.list, c.rel, 5, { gain: 'exponential' }), 12);
    });
    expect(viaMap.means['ndcg@10']).toBeCloseTo(sum / (cases.length - 1), 12);
  });
});
