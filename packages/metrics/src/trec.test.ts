import { Rng } from '@tunekit/core';
import { describe, expect, it } from 'vitest';
import { MetricsError } from './metrics-error';
import { evaluateTrec, parseQrels, parseRun } from './trec';

/**
 * An independent, deliberately naive implementation of the trec_eval definitions
 * (P.k, recall.k, ndcg_cut.k, map_cut.k, recip_rank, Rprec) over strings, to check against.
 */
function reference(qrelsText: string, runText: string, tieDesc: boolean): Record<string, Record<string, number>> {
  const qrels: Record<string, Record<string, number>> = {};
  for (const l of qrelsText.trim().split('\n')) {
    const [q, , d, r] = l.split(' ') as [string, string, string, string];
    (qrels[q] ??= {})[d] = Number(r);
  }
  const run: Record<string, { d: string; s: number }[]> = {};
  for (const l of runText.trim().split('\n')) {
    const [q, , d, , s] = l.split(' ') as [string, string, string, string, string];
    (run[q] ??= []).push({ d, s: Number(s) });
  }
  const out: Record<string, Record<string, number>> = {};
  for (const q of Object.keys(qrels)) {
    const grades = qrels[q] as Record<string, number>;
    const rel = Object.keys(grades).filter((d) => (grades[d] as number) > 0);
    if (rel.length === 0) continue;
    const ranked = (run[q] ?? [])
      .slice()
      .sort((x, y) => (y.s !== x.s ? y.s - x.s : (tieDesc ? -1 : 1) * x.d.localeCompare(y.d)))
      .map((e) => e.d);
    const isRel = (d: string | undefined): boolean => d !== undefined && (grades[d] ?? 0) > 0;
    const hits = (k: number): number => ranked.slice(0, k).filter(isRel).length;
    const dcg = (gs: number[], k: number): number => gs.slice(0, k).reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
    const ndcg = (k: number): number =>
      dcg(ranked.map((d) => Math.max(0, grades[d] ?? 0)), k) / dcg(rel.map((d) => grades[d] as number).sort((x, y) => y - x), k);
    const ap = (k: number, den: number): number => {
      let s = 0;
      ranked.slice(0, k).forEach((d, i) => {
        if (isRel(d)) s += hits(i + 1) / (i + 1);
      });
      return s / den;
    };
    const first = ranked.findIndex(isRel);
    out[q] = {
      'ndcg@10': ndcg(10),
      'ndcg@5': ndcg(5),
      'map@10': ap(10, Math.min(rel.length, 10)),
      'map-r@10': ap(10, rel.length),
      mrr: first < 0 ? 0 : 1 / (first + 1),
      'recall@20': hits(20) / rel.length,
      'precision@10': hits(10) / 10,
      'hit@10': hits(10) > 0 ? 1 : 0,
      'r-prec': hits(rel.length) / rel.length,
    };
  }
  return out;
}

function randomFiles(seed: number): { qrels: string; run: string } {
  const rng = new Rng(seed);
  const docs = Array.from({ length: 80 }, (_, i) => `doc${String(i).padStart(3, '0')}`);
  const q: string[] = [];
  const r: string[] = [];
  for (let i = 0; i < 15; i++) {
    const query = `q${i}`;
    for (const d of rng.sample(docs, 1 + rng.int(25))) q.push(`${query} 0 ${d} ${rng.int(4) - (rng.bernoulli(0.05) ? 1 : 0)}`);
    if (i === 3) continue; // a judged query missing from the run
    rng.sample(docs, 1 + rng.int(60)).forEach((d, j) => r.push(`${query} Q0 ${d} ${j + 1} ${rng.int(12) / 2} tag`));
  }
  q.push('qz 0 doc000 0'); // a query with no relevant document
  r.push('qonly Q0 doc001 1 1.0 tag'); // a query that only the run has
  return { qrels: q.join('\n'), run: r.join('\n') };
}

const METRICS = 'ndcg@10,ndcg@5,map@10,map-r@10,mrr,recall@20,precision@10,hit@10,r-prec';

describe('TREC qrels/run scoring', () => {
  it('agrees with trec_eval-style definitions on seeded random runs (both tie-breaks)', () => {
    for (let seed = 0; seed < 12; seed++) {
      const { qrels, run } = randomFiles(seed);
      for (const ties of ['id-asc', 'trec_eval'] as const) {
        const ref = reference(qrels, run, ties === 'trec_eval');
        const got = evaluateTrec(parseQrels(qrels), parseRun(run), METRICS, { ties, perQuery: true });
        expect(Object.keys(got.perQuery ?? {}).sort(), `seed ${seed}`).toEqual(Object.keys(ref).sort());
        for (const [query, row] of Object.entries(ref)) {
          for (const [m, v] of Object.entries(row)) {
            expect(got.perQuery?.[query]?.[m], `seed ${seed} ${ties} ${query} ${m}`).toBeCloseTo(v, 12);
          }
        }
        const n = Object.keys(ref).length;
        const meanNdcg = Object.values(ref).reduce((s, row) => s + (row['ndcg@10'] as number), 0) / n;
        expect(got.metrics['ndcg@10']).toBeCloseTo(meanNdcg, 12);
        expect(got.population.queriesWithoutRelevant).toContain('qz');
        expect(got.population.queriesOnlyInRun).toEqual(['qonly']);
      }
    }
  });

  it('tie-break changes the order of equal scores only', () => {
    const qrels = parseQrels('q 0 a 1\n');
    const run = parseRun('q Q0 a 1 1.0 s\nq Q0 b 2 1.0 s\n');
    expect(evaluateTrec(qrels, run, 'mrr').metrics.mrr).toBe(1); // a before b
    expect(evaluateTrec(qrels, run, 'mrr', { ties: 'trec_eval' }).metrics.mrr).toBe(0.5); // b before a
  });

  it('malformed lines are reported with file and line number', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => parseQrels('q 0 a 1\n\nq 0 b\n', 'x.qrels'), /x\.qrels:3: expected 4 fields/],
      [() => parseQrels('q 0 a high\n', 'x.qrels'), /x\.qrels:1: relevance "high"/],
      [() => parseQrels('q 0 a 1\nq 0 a 0\n', 'x.qrels'), /x\.qrels:2: .*judged twice/],
      [() => parseRun('q Q0 a 1 0.5 t\nq Q0 b one 0.4 t\n', 'y.run'), /y\.run:2: rank "one"/],
      [() => parseRun('q Q0 a 1 NaN t\n', 'y.run'), /y\.run:1: score "NaN"/],
      [() => parseRun('q Q0 a 1 0.5\n', 'y.run'), /y\.run:1: expected 6 fields/],
      [() => parseRun('q Q0 a 1 0.5 t\nq Q0 a 2 0.4 t\n', 'y.run'), /y\.run:2: .*retrieved twice/],
    ];
    for (const [f, re] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MetricsError);
      expect((err as MetricsError).code).toBe('PARSE_ERROR');
      expect((err as MetricsError).message).toMatch(re);
      expect((err as MetricsError).context.line).toBeTypeOf('number');
    }
  });
});
