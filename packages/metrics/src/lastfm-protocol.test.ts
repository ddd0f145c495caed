import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateRanking } from './evaluate-ranking';
import { rankOfFirstRelevant, topK } from './top-k';

/**
 * The canonical Last.fm benchmark (../shared/data/benchmarks/lastfm-2k, non-commercial: read in
 * place, never copied): the most-popular baseline scored through this package must land on the
 * published reference row. Most-popular has many tied counts, and the reference's tie order is
 * not ours (lower artist index first), so agreement is asserted within 0.002.
 */
const DATA = resolve(import.meta.dirname, '../../../../shared/data/benchmarks/lastfm-2k');
const present = existsSync(`${DATA}/train.tsv`) && existsSync(`${DATA}/test.tsv`);

describe.skipIf(!present)(`Last.fm protocol on real data${present ? '' : ` (skipped: ${DATA} is absent)`}`, () => {
  it('most popular reproduces NDCG@10 0.0860, Recall@20 0.1099, HR@10 0.4127, MAP@10 0.0381, MRR 0.2157', () => {
    const read = (f: string): number[][] =>
      readFileSync(`${DATA}/${f}`, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t').map(Number));
    const train = read('train.tsv');
    const test = read('test.tsv');
    const artists = [...new Set(train.map((r) => r[1] as number))].sort((a, b) => a - b);
    const index = new Map(artists.map((a, i) => [a, i]));
    const popularity = new Float32Array(artists.length);
    const trainOf = new Map<number, number[]>();
    for (const [u, a] of train) {
      const i = index.get(a as number) as number;
      popularity[i] = (popularity[i] as number) + 1;
      if (!trainOf.has(u as number)) trainOf.set(u as number, []);
      trainOf.get(u as number)?.push(i);
    }
    // Relevance = the user's test artists among the ranked (train) artists.
    const testOf = new Map<number, Set<number>>();
    for (const [u, a] of test) {
      const i = index.get(a as number);
      if (i === undefined) continue;
      if (!testOf.has(u as number)) testOf.set(u as number, new Set());
      testOf.get(u as number)?.add(i);
    }
    const users = [...testOf.keys()].sort((a, b) => a - b);
    const lists = users.map((u) => topK(popularity, 20, trainOf.get(u) ?? []));
    const firstRelevantRank = users.map((u) => rankOfFirstRelevant(popularity, testOf.get(u) as Set<number>, trainOf.get(u) ?? []));
    const r = evaluateRanking(
      { lists, relevant: users.map((u) => testOf.get(u) as Set<number>), firstRelevantRank },
      ['ndcg@10', 'recall@20', 'hit@10', 'map@10', 'mrr'],
    );
    expect(r.population.usersEvaluated).toBe(1873);
    const reference = { 'ndcg@10': 0.086, 'recall@20': 0.1099, 'hit@10': 0.4127, 'map@10': 0.0381, mrr: 0.2157 };
    for (const [m, v] of Object.entries(reference)) expect(Math.abs((r.means[m] as number) - v), m).toBeLessThan(0.002);
  });
});
