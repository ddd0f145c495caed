import { Rng } from '@tunekit/core';
import { describe, expect, it } from 'vitest';
import { evaluateRanking } from './evaluate-ranking';
import { MetricsError } from './metrics-error';
import { ndcgAtK, recallAtK, reciprocalRank } from './ranking-metrics';
import { rankOfFirstRelevant, topK, topKBatch } from './top-k';

describe('evaluateRanking', () => {
  it('golden over two users; a user without relevant items is reported, not averaged', () => {
    // u0: [3, 1] rel {1}: hit 1, ndcg@2 = (1/log2 3)/1 = 0.63093; u1: rel {} → NaN
    // u2: [8, 9] rel {8, 7}: hit 1, ndcg@2 = 1 / (1 + 1/log2 3) = 0.61315
    const r = evaluateRanking(
      { lists: [[3, 1], [5, 4], [8, 9]], relevant: [new Set([1]), new Set(), new Set([8, 7])] },
      ['hit@2', 'ndcg@2'],
    );
    expect(r.means['hit@2']).toBe(1);
    expect(r.means['ndcg@2']).toBeCloseTo((1 / Math.log2(3) + 1 / (1 + 1 / Math.log2(3))) / 2, 12);
    expect(r.population).toMatchObject({ users: 3, usersEvaluated: 2, usersWithoutRelevant: 1 });
    expect(r.perUser['hit@2']?.[1]).toBeNaN();
    expect(r.notes[0]).toMatch(/1 of 3 users/);
  });

  it('Last.fm protocol: top-K lists + full-ranking MRR from the score rows', () => {
    const rng = new Rng(4);
    const users = 50;
    const nItems = 300;
    const scores = Float32Array.from({ length: users * nItems }, () => rng.int(50));
    const train: number[][] = [];
    const test: Set<number>[] = [];
    const ids = Array.from({ length: nItems }, (_, i) => i);
    for (let u = 0; u < users; u++) {
      const picked = rng.sample(ids, 20);
      train.push(picked.slice(0, 15));
      test.push(new Set(picked.slice(15)));
    }
    const offsets = Int32Array.from({ length: users + 1 }, (_, u) => u * 15);
    const top = topKBatch(scores, nItems, 20, { items: Int32Array.from(train.flat()), offsets });
    const ranks = test.map((t, u) => rankOfFirstRelevant(scores.subarray(u * nItems, (u + 1) * nItems), t, train[u]));
    const r = evaluateRanking({ lists: top, relevant: test, firstRelevantRank: ranks }, ['ndcg@10', 'recall@20', 'hit@10', 'map@10', 'mrr']);
    // reference MRR: reciprocal rank over the full ranking of each row
    let mrr = 0;
    for (let u = 0; u < users; u++) {
      const full = topK(scores.subarray(u * nItems, (u + 1) * nItems), nItems, train[u]);
      mrr += reciprocalRank(full, test[u] as Set<number>);
    }
    expect(r.means.mrr).toBeCloseTo(mrr / users, 12);
    expect(r.population.usersEvaluated).toBe(users);
  });

  it('refuses what truncated lists cannot answer (UNSUPPORTED)', () => {
    const input = { lists: [[1, 2, 3]], relevant: [new Set([2])] };
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return (e as MetricsError).code;
      }
      return undefined;
    };
    expect(code(() => evaluateRanking(input, ['mrr']))).toBe('UNSUPPORTED');
    expect(code(() => evaluateRanking(input, ['ndcg@10']))).toBe('UNSUPPORTED');
    expect(code(() => evaluateRanking(input, ['auc']))).toBe('UNSUPPORTED');
    expect(code(() => evaluateRanking(input, ['ndgc@3']))).toBe('UNKNOWN_METRIC');
    expect(code(() => evaluateRanking({ lists: [[1]], relevant: [] }, ['hit@1']))).toBe('SHAPE_MISMATCH');
    const ok = evaluateRanking({ ...input, listsAreComplete: true }, ['mrr', 'ndcg@10', 'auc']);
    expect(ok.means.mrr).toBe(0.5);
    expect(ok.means.auc).toBe(0.5); // 2 is above 3, below 1
  });

  it('accepts flat lists with offsets and padded fixed-stride lists', () => {
    const a = evaluateRanking({ lists: { items: Int32Array.of(1, 2, 3, 4), offsets: Int32Array.of(0, 3, 4) }, relevant: [new Set([3]), new Set([4])] }, ['precision@3']);
    const b = evaluateRanking({ lists: { items: Int32Array.of(1, 2, 3, 4, -1, -1), k: 3 }, relevant: [new Set([3]), new Set([4])] }, ['precision@3']);
    expect(a.means['precision@3']).toBeCloseTo(1 / 3, 12);
    expect(b.means['precision@3']).toBeCloseTo(1 / 3, 12);
  });
});

describe('ranked lists with repeated or non-integer ids', () => {
  it('rejects a list that repeats an item instead of counting it as several hits', () => {
    // Before the check, [5, 5, 5] with relevant {5} gave recall@3 = 3, map@3 = 3 and ndcg@3 = 2.13.
    const call = (): unknown => evaluateRanking({ lists: [[1, 2], [5, 5, 5]], relevant: [new Set([1]), new Set([5])] }, ['recall@3']);
    expect(call).toThrow(MetricsError);
    expect(call).toThrow(/user 1 lists item 5 twice \(position 1\)/);
    const flat = { items: Int32Array.of(7, 8, 7), offsets: Int32Array.of(0, 3) };
    expect(() => evaluateRanking({ lists: flat, relevant: [new Set([7])] }, ['hit@3'])).toThrow(/item 7 twice/);
    // a huge id takes the Set path rather than a stamp array
    const big = { items: Int32Array.of(2_000_000_000, 2_000_000_000), k: 2 };
    expect(() => evaluateRanking({ lists: big, relevant: [new Set([1])] }, ['hit@2'])).toThrow(/twice/);
    // the same item in two different users' lists and repeated padding are fine
    const ok = evaluateRanking({ lists: { items: Int32Array.of(5, -1, -1, 5, 6, -1), k: 3 }, relevant: [new Set([5]), new Set([6])] }, ['hit@2']);
    expect(ok.means['hit@2']).toBe(1);
    expect(() => ndcgAtK([5, 5, 5], new Set([5]), 3)).toThrow(/repeats item 5 \(position 1\)/);
    expect(() => recallAtK([1, 2, 1], new Set([1]), 3)).toThrow(MetricsError);
  });

  it('rejects NaN and fractional ids instead of truncating them to other items', () => {
    // Int32Array.set would turn NaN into item 0 and 1.5 into item 1 (both relevant here).
    expect(() => evaluateRanking({ lists: [[2, NaN]], relevant: [new Set([0, 1])] }, ['recall@2'])).toThrow(
      /user 0 position 1: item id NaN is not a 32-bit integer/,
    );
    expect(() => evaluateRanking({ lists: [[1.5]], relevant: [new Set([1])] }, ['hit@1'])).toThrow(MetricsError);
  });
});

describe('CSR relevance with a repeated item', () => {
  it('is rejected instead of counting the item twice in |R|', () => {
    // Before the check: recall@2 = 0.5 and ndcg@2 = 0.61 for a perfect list [1, 2] with R = {1}.
    const relevant = { items: Int32Array.of(3, 1, 1), offsets: Int32Array.of(0, 1, 3) };
    const call = (): unknown => evaluateRanking({ lists: [[3], [1, 2]], relevant }, ['recall@1']);
    expect(call).toThrow(MetricsError);
    expect(call).toThrow(/user 1 lists relevant item 1 twice/);
    // the same item for two different users is fine
    const ok = evaluateRanking({ lists: [[1], [1, 2]], relevant: { items: Int32Array.of(1, 1), offsets: Int32Array.of(0, 1, 2) } }, ['recall@1']);
    expect(ok.means['recall@1']).toBe(1);
  });
});
