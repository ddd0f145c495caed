/**
 * The fixed, documented world the generator draws from: genres (with a small hierarchy), their
 * audio profiles, genre-linked tags, countries and the demographic shifts of genre preference.
 * Everything here is planted structure and is copied into the planted truth.
 */

/** One synthetic genre. `parent` is the external id of the parent genre, or null for a top-level genre. */
export interface GenreSpec {
  readonly externalId: string;
  readonly title: string;
  readonly parent: string | null;
  /** Relative share of artists whose main genre this is. */
  readonly share: number;
  /** Mean of each continuous audio feature for tracks of this genre (tempo in BPM, others in [0, 1]). */
  readonly audio: Readonly<Record<ContinuousAudioFeature, number>>;
  /** Probability that a track of this genre is in major mode. */
  readonly majorProbability: number;
  /** Probability that a track of this genre is in 3/4 time (else 4/4, rarely 5). */
  readonly threeFourProbability: number;
  /** Median track duration in seconds. */
  readonly durationS: number;
  /** Probability that a track of this genre is explicit. */
  readonly explicitProbability: number;
  /** Tags typical of this genre. */
  readonly tags: readonly string[];
}

/** Audio features drawn as genre mean + artist offset + track noise (loudness is derived, see README). */
export const CONTINUOUS_AUDIO_FEATURES = [
  'acousticness',
  'danceability',
  'energy',
  'instrumentalness',
  'liveness',
  'speechiness',
  'valence',
  'tempo',
] as const;

/** One of {@link CONTINUOUS_AUDIO_FEATURES}. */
export type ContinuousAudioFeature = (typeof CONTINUOUS_AUDIO_FEATURES)[number];

/** The audio dimensions a user's planted audio preference vector lives in (all in [0, 1]). */
export const PREFERENCE_AUDIO_FEATURES = ['acousticness', 'danceability', 'energy', 'valence'] as const;

const a = (
  acousticness: number,
  danceability: number,
  energy: number,
  instrumentalness: number,
  liveness: number,
  speechiness: number,
  valence: number,
  tempo: number,
): Record<ContinuousAudioFeature, number> => ({ acousticness, danceability, energy, instrumentalness, liveness, speechiness, valence, tempo });

/** The 12 synthetic genres: 8 top-level, 4 sub-genres (Metal, Punk under Rock; House, Ambient under Electronic). */
export const GENRES: readonly GenreSpec[] = Object.freeze([
  { externalId: 'rock', title: 'Rock', parent: null, share: 0.14, audio: a(0.15, 0.45, 0.75, 0.1, 0.2, 0.05, 0.5, 125), majorProbability: 0.7, threeFourProbability: 0.03, durationS: 230, explicitProbability: 0.08, tags: ['rock', 'guitar', 'classic rock', 'alternative'] },
  { externalId: 'metal', title: 'Metal', parent: 'rock', share: 0.06, audio: a(0.05, 0.35, 0.92, 0.3, 0.2, 0.07, 0.3, 140), majorProbability: 0.45, threeFourProbability: 0.03, durationS: 280, explicitProbability: 0.2, tags: ['metal', 'heavy', 'thrash'] },
  { externalId: 'punk', title: 'Punk', parent: 'rock', share: 0.05, audio: a(0.08, 0.45, 0.88, 0.05, 0.3, 0.08, 0.55, 165), majorProbability: 0.7, threeFourProbability: 0.02, durationS: 150, explicitProbability: 0.25, tags: ['punk', 'hardcore', 'diy'] },
  { externalId: 'electronic', title: 'Electronic', parent: null, share: 0.12, audio: a(0.1, 0.7, 0.7, 0.6, 0.12, 0.06, 0.45, 128), majorProbability: 0.5, threeFourProbability: 0.01, durationS: 300, explicitProbability: 0.05, tags: ['electronic', 'synth', 'idm'] },
  { externalId: 'house', title: 'House', parent: 'electronic', share: 0.06, audio: a(0.05, 0.85, 0.8, 0.75, 0.1, 0.05, 0.6, 124), majorProbability: 0.5, threeFourProbability: 0.0, durationS: 360, explicitProbability: 0.04, tags: ['house', 'dance', 'club'] },
  { externalId: 'ambient', title: 'Ambient', parent: 'electronic', share: 0.05, audio: a(0.7, 0.25, 0.2, 0.9, 0.1, 0.04, 0.25, 90), majorProbability: 0.55, threeFourProbability: 0.1, durationS: 380, explicitProbability: 0.0, tags: ['ambient', 'chillout', 'drone'] },
  { externalId: 'hip-hop', title: 'Hip-Hop', parent: null, share: 0.13, audio: a(0.15, 0.8, 0.65, 0.03, 0.2, 0.35, 0.55, 95), majorProbability: 0.5, threeFourProbability: 0.01, durationS: 220, explicitProbability: 0.55, tags: ['hip-hop', 'rap', 'beats'] },
  { externalId: 'pop', title: 'Pop', parent: null, share: 0.14, audio: a(0.2, 0.7, 0.68, 0.02, 0.15, 0.07, 0.65, 118), majorProbability: 0.7, threeFourProbability: 0.03, durationS: 210, explicitProbability: 0.1, tags: ['pop', 'catchy', 'female vocalists'] },
  { externalId: 'jazz', title: 'Jazz', parent: null, share: 0.07, audio: a(0.75, 0.55, 0.35, 0.5, 0.25, 0.06, 0.5, 110), majorProbability: 0.55, threeFourProbability: 0.15, durationS: 320, explicitProbability: 0.01, tags: ['jazz', 'smooth', 'instrumental'] },
  { externalId: 'classical', title: 'Classical', parent: null, share: 0.06, audio: a(0.92, 0.25, 0.18, 0.88, 0.15, 0.04, 0.3, 100), majorProbability: 0.6, threeFourProbability: 0.3, durationS: 420, explicitProbability: 0.0, tags: ['classical', 'orchestral', 'piano'] },
  { externalId: 'folk', title: 'Folk', parent: null, share: 0.07, audio: a(0.8, 0.45, 0.35, 0.15, 0.2, 0.05, 0.5, 105), majorProbability: 0.7, threeFourProbability: 0.15, durationS: 240, explicitProbability: 0.02, tags: ['folk', 'acoustic', 'singer-songwriter'] },
  { externalId: 'soul-rnb', title: 'Soul / RnB', parent: null, share: 0.05, audio: a(0.35, 0.68, 0.52, 0.03, 0.15, 0.1, 0.6, 100), majorProbability: 0.55, threeFourProbability: 0.05, durationS: 235, explicitProbability: 0.2, tags: ['soul', 'rnb', 'groove'] },
]);

/** Tags not linked to any genre, given to some artists at random. */
export const GENERIC_TAGS: readonly string[] = Object.freeze(['seen live', 'favorites', 'beautiful', 'underrated', '00s', '90s']);

/** Countries with their share of users. */
export const COUNTRIES: readonly { readonly code: string; readonly share: number }[] = Object.freeze([
  { code: 'US', share: 0.3 },
  { code: 'GB', share: 0.15 },
  { code: 'DE', share: 0.12 },
  { code: 'BR', share: 0.12 },
  { code: 'SE', share: 0.08 },
  { code: 'JP', share: 0.08 },
  { code: 'FR', share: 0.08 },
  { code: 'MX', share: 0.07 },
]);

/** Age groups: [min, max] inclusive ages, and their share of users. */
export const AGE_GROUPS: readonly { readonly name: string; readonly min: number; readonly max: number; readonly share: number }[] = Object.freeze([
  { name: 'young', min: 15, max: 24, share: 0.4 },
  { name: 'adult', min: 25, max: 39, share: 0.4 },
  { name: 'older', min: 40, max: 70, share: 0.2 },
]);

/**
 * Multiplicative shifts of the genre prior by age group and by country (genres not listed: ×1).
 * A user's preferred genres are drawn without replacement with probability ∝
 * `share[g] · ageShift[group][g] · countryShift[country][g]`.
 */
export const DEMOGRAPHIC_GENRE_SHIFTS: {
  readonly ageGroups: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly countries: Readonly<Record<string, Readonly<Record<string, number>>>>;
} = Object.freeze({
  ageGroups: {
    young: { 'hip-hop': 3, electronic: 2, house: 2, pop: 1.5, punk: 1.5, jazz: 0.4, classical: 0.3, folk: 0.6 },
    adult: { rock: 1.5, 'soul-rnb': 1.5, electronic: 1.3 },
    older: { jazz: 3, classical: 3, folk: 2, rock: 1.5, 'hip-hop': 0.3, house: 0.4, punk: 0.5 },
  },
  countries: {
    US: { 'hip-hop': 2, 'soul-rnb': 1.5 },
    GB: { punk: 2.5, rock: 1.5 },
    DE: { electronic: 2.5, house: 2, metal: 1.5 },
    BR: { pop: 2, 'soul-rnb': 1.5 },
    SE: { metal: 3, pop: 1.5 },
    JP: { pop: 2, ambient: 2.5 },
    FR: { electronic: 1.5, jazz: 1.8 },
    MX: { pop: 1.5, rock: 1.5 },
  },
});
