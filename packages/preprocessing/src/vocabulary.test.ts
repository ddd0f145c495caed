import { describe, expect, it } from 'vitest';
import { bucketLabels, bucketize, validateBoundaries } from './bucket.transform';
import { encodeCategories, encodeMultiCategories, fitVocabulary, splitCategories, vocabularyIndex } from './vocabulary';

describe('vocabulary', () => {
  it('orders by count then name and groups rare categories', () => {
    // counts: a 3, b 2, c 1, d 2 → minFrequency 2 keeps a, b, d (b before d on the tie)
    const { vocabulary, counts } = fitVocabulary(['a', 'b', 'a', 'c', 'a', 'd', 'b', 'd', null, ' '], { minFrequency: 2 });
    expect(vocabulary).toEqual(['a', 'b', 'd']);
    expect(counts).toEqual([3, 2, 2]);
    expect(fitVocabulary(['a', 'b', 'a', 'c'], { maxCategories: 1 }).vocabulary).toEqual(['a']);
  });

  it('encodes 0 unknown, 1 other, 2.. vocabulary', () => {
    const { indices, counts } = encodeCategories(['b', null, 'z', 'a', ''], vocabularyIndex(['a', 'b']));
    expect(Array.from(indices)).toEqual([3, 0, 1, 2, 0]);
    expect(counts).toEqual({ unknown: 2, other: 1 });
  });

  it('multi-valued cells: split, dedupe, pad, one <other> id per row', () => {
    expect(splitCategories('Rock| Pop|Rock', '|')).toEqual(['Rock', 'Pop']);
    expect(fitVocabulary(['Rock|Pop', ['Rock'], null], { multi: true }).vocabulary).toEqual(['Rock', 'Pop']);
    const { indices, lengths, counts } = encodeMultiCategories(['a|q|r', null, ['a', 'b', 'c']], vocabularyIndex(['a', 'b', 'c']), { separator: '|', maxItems: 2 });
    expect(Array.from(indices)).toEqual([2, 1, 0, 0, 2, 3]);
    expect(Array.from(lengths)).toEqual([2, 0, 2]);
    expect(counts).toEqual({ unknown: 1, other: 2 });
    const seen: [number, number][] = [];
    encodeMultiCategories([['a', 'b', 'c']], vocabularyIndex(['a', 'b', 'c']), { separator: '|', maxItems: 1, onItem: (r, id) => seen.push([r, id]) });
    expect(seen).toEqual([[0, 2], [0, 3], [0, 4]]);
  });
});

describe('buckets', () => {
  it('ids: 0 missing, then intervals closed on the left', () => {
    expect(Array.from(bucketize(Float64Array.of(1985, 1990, 2000, NaN, 2015, 2009.9), [1990, 2000, 2010]))).toEqual([1, 2, 3, 0, 4, 3]);
    expect(bucketLabels([1990, 2000])).toEqual(['<1990', '[1990,2000)', '>=2000']);
  });

  it('rejects unsorted or empty boundaries with the path', () => {
    expect(() => validateBoundaries([2000, 1990], 'f.boundaries')).toThrow(/f\.boundaries\[1\] = 1990 must be greater than/);
    expect(() => validateBoundaries([], 'f.boundaries')).toThrow(/non-empty/);
  });
});
