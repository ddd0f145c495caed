import { describe, expect, it } from 'vitest';
import { ModelsError } from '../../errors';
import { compatibilityFeatures, fitCompatibility, type CompatibilityInput } from './compatibility-features';

/**
 * Hand-sized example (3 users, 4 items, 2 genres, 2 age groups, minSupport m = 2):
 *   train u0 = {0, 1}, u1 = {1, 2}, u2 = {} (cold start)
 *   audio (energy, valence): i0 (.2, .4), i1 (.6, NaN→(.4+.8+.2)/3 = .466667), i2 (1, .8), i3 (0, .2)
 *   genre: i0 0, i1 0, i2 1, i3 unknown; age: u0 0, u1 1, u2 0; country: u0 0, u1 unknown, u2 0
 *   year: i0 2010, i1 2019, i2 unknown (→ mean 2016.333), i3 2020; reference = 2020
 */
function example(): CompatibilityInput {
  return {
    train: { userPtr: Int32Array.of(0, 2, 4, 4), userItems: Int32Array.of(0, 1, 1, 2) },
    nUsers: 3,
    nItems: 4,
    itemAudio: Float32Array.of(0.2, 0.4, 0.6, Number.NaN, 1, 0.8, 0, 0.2),
    audioNames: ['energy', 'valence'],
    itemGenre: Int32Array.of(0, 0, 1, -1),
    itemYear: Float32Array.of(2010, 2019, Number.NaN, 2020),
    userAgeGroup: Int32Array.of(0, 1, 0),
    userCountry: Int32Array.of(0, -1, 0),
    minSupport: 2,
  };
}

function row(names: readonly string[], values: Float32Array, k: number): Record<string, number> {
  return Object.fromEntries(names.map((n, c) => [n, values[k * names.length + c]!]));
}

describe('compatibility features', () => {
  const state = fitCompatibility(example());

  it('names every block in order', () => {
    expect(state.names).toEqual(['audio_absdiff=energy', 'audio_absdiff=valence', 'years_since_release', 'is_new_release', 'age_genre_lift', 'country_genre_lift', 'user_genre_lift', 'log_item_popularity']);
  });

  it('matches the hand-derived values (smoothing, cold start, unknown genre)', () => {
    const f = compatibilityFeatures(state, Int32Array.of(0, 2, 0, 1, 0), Int32Array.of(3, 0, 2, 0, 0));
    // genre plays: g0 3, g1 1 of N = 4 → p0 = (3+1)/(4+2) = 2/3, p1 = 1/3
    // (u0, i3): user mean (.4, .433333) → |.4 − 0| = .4, |.433333 − .2| = .233333; year 2020 → 0, new;
    //   unknown genre → every lift 0; popularity 0 → ln 1 = 0
    const a = row(f.names, f.values, 0);
    expect(a['audio_absdiff=energy']).toBeCloseTo(0.4, 5);
    expect(a['audio_absdiff=valence']).toBeCloseTo(0.233333, 5);
    expect(a.years_since_release).toBeCloseTo(0, 6);
    expect(a.is_new_release).toBe(1);
    expect([a.age_genre_lift, a.country_genre_lift, a.user_genre_lift, a.log_item_popularity]).toEqual([0, 0, 0, 0]);
    // (u2 cold, i0): global play profile over pairs (0,1,1,2) = (.6, .533333) → |.6 − .2| = .4, |.533333 − .4| = .133333
    //   age group 0 (u0, u2): g0 2 of 2 → (2 + 2·2/3)/(2 + 2) / (2/3) = 1.25 → ln 1.25 = .223144 (country 0 the same)
    //   user lift of a cold user: (0 + m·p)/(0 + m)/p = 1 → 0; year 2010 → 10/10 = 1, not new; popularity 1 → ln 2
    const b = row(f.names, f.values, 1);
    expect(b['audio_absdiff=energy']).toBeCloseTo(0.4, 5);
    expect(b['audio_absdiff=valence']).toBeCloseTo(0.133333, 5);
    expect(b.age_genre_lift).toBeCloseTo(Math.log(1.25), 5);
    expect(b.country_genre_lift).toBeCloseTo(Math.log(1.25), 5);
    expect(b.user_genre_lift).toBe(0);
    expect(b.years_since_release).toBeCloseTo(1, 6);
    expect(b.is_new_release).toBe(0);
    expect(b.log_item_popularity).toBeCloseTo(Math.log(2), 6);
    // (u0, i2 g1): age group 0 has 0 of 2 plays in g1 → (0 + 2/3)/4 / (1/3) = .5 → ln .5; user u0 the same;
    //   year unknown → imputed 2016.333 → .366667, never "new"
    const c = row(f.names, f.values, 2);
    expect(c.age_genre_lift).toBeCloseTo(Math.log(0.5), 5);
    expect(c.user_genre_lift).toBeCloseTo(Math.log(0.5), 5);
    expect(c.years_since_release).toBeCloseTo(0.366667, 5);
    expect(c.is_new_release).toBe(0);
    // (u1, i0 g0): age group 1: g0 1 of 2 → (1 + 4/3)/4 / (2/3) = .875; country unknown → 0;
    //   user u1 the same counts as its group → ln .875
    const d = row(f.names, f.values, 3);
    expect(d.age_genre_lift).toBeCloseTo(Math.log(0.875), 5);
    expect(d.country_genre_lift).toBe(0);
    expect(d.user_genre_lift).toBeCloseTo(Math.log(0.875), 5);
    // (u0, i0): user u0 g0 2 of 2 → ln 1.25
    expect(row(f.names, f.values, 4).user_genre_lift).toBeCloseTo(Math.log(1.25), 5);
  });

  it('leaves out blocks whose inputs are missing', () => {
    const { train, nUsers, nItems } = example();
    const s = fitCompatibility({ train, nUsers, nItems });
    expect(s.names).toEqual(['log_item_popularity']);
    const f = compatibilityFeatures(s, Int32Array.of(0), Int32Array.of(1));
    expect(f.values[0]).toBeCloseTo(Math.log(3), 6);
    const g = fitCompatibility({ train, nUsers, nItems, itemGenre: Int32Array.of(0, 0, 1, -1) });
    expect(g.names).toEqual(['user_genre_lift', 'log_item_popularity']);
  });

  it('rejects arrays of the wrong size, naming the array and sizes', () => {
    const bad = { ...example(), itemAudio: new Float32Array(7) };
    expect(() => fitCompatibility(bad)).toThrow(ModelsError);
    expect(() => fitCompatibility(bad)).toThrow(/itemAudio holds 7 values, expected nItems × audioNames.length = 4 × 2 = 8/);
    expect(() => fitCompatibility({ ...example(), userAgeGroup: Int32Array.of(0, 1) })).toThrow(/userAgeGroup holds 2 values, expected nUsers = 3/);
    expect(() => fitCompatibility({ ...example(), itemGenre: Int32Array.of(0, -2, 1, 0) })).toThrow(/itemGenre\[1\] is -2/);
    expect(() => fitCompatibility({ ...example(), minSupport: 0 })).toThrow(/minSupport must be > 0/);
    expect(() => compatibilityFeatures(state, Int32Array.of(0, 1), Int32Array.of(0))).toThrow(/users has 2 entries but items has 1/);
    expect(() => compatibilityFeatures(state, Int32Array.of(3), Int32Array.of(0))).toThrow(/user index 3 at position 0 is outside \[0, 3\)/);
    try {
      fitCompatibility(bad);
    } catch (err) {
      expect((err as ModelsError).code).toBe('SHAPE_MISMATCH');
    }
  });
});
