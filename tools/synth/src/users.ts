import { AliasSampler, type Rng } from '@tunekit/core';
import { AGE_GROUPS, COUNTRIES, DEMOGRAPHIC_GENRE_SHIFTS, GENRES, PREFERENCE_AUDIO_FEATURES } from './taxonomy';

/** Share of a user's genre mixture θ that goes to the preferred genres (the rest ∝ genre share). */
export const PREFERRED_GENRE_MASS = 0.85;
/** Relative weights of the 1st, 2nd and 3rd preferred genre inside the preferred mass. */
export const PREFERRED_RANK_WEIGHTS = [1, 0.6, 0.4] as const;
/** Probability of 1, 2 or 3 preferred genres. */
export const PREFERRED_COUNT_PROBABILITIES = [0.3, 0.45, 0.25] as const;

const SIGNUP_START = Date.UTC(2006, 0, 1);
const SIGNUP_END = Date.UTC(2016, 11, 31);
const DAY_MS = 86_400_000;

/** A synthetic user: demographics plus planted taste. */
export interface SynthUser {
  readonly index: number;
  readonly age: number;
  readonly ageGroup: string;
  readonly gender: string | null;
  readonly country: string;
  /** Signup day, ms since epoch (UTC midnight). */
  readonly signupMs: number;
  /** Preferred genre indexes, most preferred first. */
  readonly preferredGenres: readonly number[];
  /** The genre mixture θ over all genres (sums to 1), float64 [genres]. */
  readonly genreWeights: Float64Array;
  /** Audio preference point in {@link PREFERENCE_AUDIO_FEATURES} space, [4] in [0, 1]. */
  readonly audioPreference: readonly number[];
}

const ageSampler = new AliasSampler(AGE_GROUPS.map((g) => g.share));
const countrySampler = new AliasSampler(COUNTRIES.map((c) => c.share));
const totalShare = GENRES.reduce((s, g) => s + g.share, 0);

/**
 * Draws user `index`: demographics, then preferred genres from the demographically shifted
 * prior, the genre mixture θ and the audio preference point (see README, "Users and taste").
 */
export function drawUser(rng: Rng, index: number): SynthUser {
  const group = AGE_GROUPS[ageSampler.draw(rng)] as (typeof AGE_GROUPS)[number];
  const age = group.min + rng.int(group.max - group.min + 1);
  const country = (COUNTRIES[countrySampler.draw(rng)] as (typeof COUNTRIES)[number]).code;
  const r = rng.next();
  const gender = r < 0.55 ? 'm' : r < 0.95 ? 'f' : r < 0.97 ? 'n' : null;
  const signupMs = SIGNUP_START + rng.int(Math.floor((SIGNUP_END - SIGNUP_START) / DAY_MS)) * DAY_MS;

  const ageShift = DEMOGRAPHIC_GENRE_SHIFTS.ageGroups[group.name] ?? {};
  const countryShift = DEMOGRAPHIC_GENRE_SHIFTS.countries[country] ?? {};
  const prior = GENRES.map((g) => g.share * (ageShift[g.externalId] ?? 1) * (countryShift[g.externalId] ?? 1));
  const u = rng.next();
  const k = u < PREFERRED_COUNT_PROBABILITIES[0] ? 1 : u < PREFERRED_COUNT_PROBABILITIES[0] + PREFERRED_COUNT_PROBABILITIES[1] ? 2 : 3;
  const preferred: number[] = [];
  for (let i = 0; i < k; i++) {
    const g = rng.weightedIndex(prior);
    preferred.push(g);
    prior[g] = 0;
  }
  const genreWeights = new Float64Array(GENRES.length);
  let rankTotal = 0;
  for (let i = 0; i < k; i++) rankTotal += PREFERRED_RANK_WEIGHTS[i] as number;
  for (let g = 0; g < GENRES.length; g++) genreWeights[g] = ((1 - PREFERRED_GENRE_MASS) * (GENRES[g]?.share ?? 0)) / totalShare;
  preferred.forEach((g, i) => {
    genreWeights[g] = (genreWeights[g] as number) + (PREFERRED_GENRE_MASS * (PREFERRED_RANK_WEIGHTS[i] as number)) / rankTotal;
  });
  const audioPreference = PREFERENCE_AUDIO_FEATURES.map((f) => {
    let m = 0;
    preferred.forEach((g, i) => {
      m += ((PREFERRED_RANK_WEIGHTS[i] as number) / rankTotal) * (GENRES[g]?.audio[f] ?? 0);
    });
    return Math.round(Math.min(1, Math.max(0, m + rng.normal(0, 0.1))) * 10_000) / 10_000;
  });
  return { index, age, ageGroup: group.name, gender, country, signupMs, preferredGenres: preferred, genreWeights, audioPreference };
}
