import { describe, expect, it } from 'vitest';
import { parseMetricSpec, parseMetricSpecs } from './metric-spec';
import { MetricsError } from './metrics-error';

describe('metric spec parser', () => {
  it('parses every family and alias to a canonical key', () => {
    const cases: [string, string, string, number | undefined][] = [
      ['ndcg@10', 'ndcg@10', 'ndcg', 10],
      [' NDCG-EXP@5 ', 'ndcg-exp@5', 'ndcg', 5],
      ['dcg@3', 'dcg@3', 'dcg', 3],
      ['map@10', 'map@10', 'map', 10],
      ['map-r@10', 'map-r@10', 'map', 10],
      ['mrr', 'mrr', 'mrr', undefined],
      ['mrr@10', 'mrr@10', 'mrr', 10],
      ['recall@20', 'recall@20', 'recall', 20],
      ['precision@10', 'precision@10', 'precision', 10],
      ['p@10', 'precision@10', 'precision', 10],
      ['hit@10', 'hit@10', 'hit', 10],
      ['hr@10', 'hit@10', 'hit', 10],
      ['f1@10', 'f1@10', 'f1', 10],
      ['r-prec', 'r-prec', 'r-prec', undefined],
      ['rprec', 'r-prec', 'r-prec', undefined],
      ['auc', 'auc', 'auc', undefined],
    ];
    for (const [text, key, name, k] of cases) {
      const s = parseMetricSpec(text);
      expect([s.key, s.name, s.k], text).toEqual([key, name, k]);
    }
    expect(parseMetricSpec('ndcg-exp@5').gain).toBe('exponential');
    expect(parseMetricSpec('map-r@5').apDenominator).toBe('relevant');
    expect(parseMetricSpec('map@5').apDenominator).toBe('min');
  });

  it('unknown or malformed specs throw UNKNOWN_METRIC naming the spec', () => {
    for (const bad of ['ndgc@10', 'ndcg', 'ndcg@0', 'ndcg@x', 'r-prec@5', 'auc@3', 'toString', '']) {
      let err: unknown;
      try {
        parseMetricSpec(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(MetricsError);
      expect((err as MetricsError).code).toBe('UNKNOWN_METRIC');
      expect((err as MetricsError).message).toContain(`"${bad}"`);
    }
  });

  it('parses lists, dropping duplicates', () => {
    expect(parseMetricSpecs('ndcg@10, hr@10,hit@10,mrr').map((s) => s.key)).toEqual(['ndcg@10', 'hit@10', 'mrr']);
    expect(() => parseMetricSpecs(' , ')).toThrow(MetricsError);
  });
});
