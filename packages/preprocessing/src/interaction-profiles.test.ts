import { describe, expect, it } from 'vitest';
import { featureSpec } from './feature-spec';
import { userProfileColumns } from './interaction-profiles';
import { PreprocessingError } from './errors';

describe('userProfileColumns', () => {
  // user 0: items 0 (rock, w 3), 1 (jazz, w 1); user 1: item 2 (genre unknown, no audio); user 2: no plays
  const input = {
    userPtr: Int32Array.of(0, 2, 3, 3),
    userItems: Int32Array.of(0, 1, 2),
    weights: Float32Array.of(3, 1, 5),
    nItems: 3,
    itemGenre: ['rock', 'jazz', null],
    itemAudio: { names: ['energy', 'tempo'], values: Float32Array.of(0.8, 120, 0.4, Number.NaN, Number.NaN, Number.NaN) },
  };

  it('derives volume, genre diversity, top genre and the play-weighted audio profile', () => {
    const c = userProfileColumns(input);
    expect(Array.from(c['plays'] as Float64Array)).toEqual([4, 5, 0]);
    expect(Array.from(c['items'] as Float64Array)).toEqual([2, 1, 0]);
    const h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    const e = c['genre_entropy'] as Float64Array;
    expect(e[0]).toBeCloseTo(h, 12);
    expect(Number.isNaN(e[1]!)).toBe(true);
    expect(Number.isNaN(e[2]!)).toBe(true);
    expect(c['top_genre']).toEqual(['rock', null, null]);
    const energy = c['audio_energy'] as Float64Array;
    expect(energy[0]).toBeCloseTo((3 * 0.8 + 0.4) / 4, 6);
    // tempo is only known for item 0: the mean uses the known values only
    expect((c['audio_tempo'] as Float64Array)[0]).toBeCloseTo(120, 4);
    expect(Number.isNaN(energy[1]!)).toBe(true);
  });

  it('breaks top-genre ties by name and feeds a feature spec (missing values imputed)', () => {
    const c = userProfileColumns({ userPtr: Int32Array.of(0, 2, 2), userItems: Int32Array.of(0, 1), nItems: 2, itemGenre: ['rock', 'jazz'] });
    expect(c['top_genre']).toEqual(['jazz', null]);
    const fitted = featureSpec({
      features: [
        { name: 'plays', kind: 'numeric', transform: 'log1p' },
        { name: 'genre_entropy', kind: 'numeric' },
        { name: 'top_genre', kind: 'categorical' },
      ],
    }).fit(c);
    const t = fitted.transform(c);
    expect(t.rows).toBe(2);
    expect(Array.from(t.matrix).every(Number.isFinite)).toBe(true);
  });

  it('rejects inconsistent inputs naming the array', () => {
    expect(() => userProfileColumns({ ...input, weights: Float32Array.of(1) })).toThrow(/weights has 1 values for 3 pairs/);
    expect(() => userProfileColumns({ ...input, userItems: Int32Array.of(0, 1, 7) })).toThrow(PreprocessingError);
    expect(() => userProfileColumns({ ...input, itemGenre: ['rock'] })).toThrow(/itemGenre/);
  });
});
