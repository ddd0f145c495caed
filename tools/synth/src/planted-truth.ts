import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SynthError } from './errors';
import type { ContinuousAudioFeature } from './taxonomy';

/** The planted truth of one user. */
export interface PlantedUser {
  /** `users.external_id` (source `synthetic`). */
  readonly externalId: string;
  /** `users.id` in the database written to. */
  readonly id: number;
  /** Age group name (see AGE_GROUPS) and country code, the demographics that shifted the preferred genres. */
  readonly ageGroup: string;
  readonly country: string;
  /** Preferred genres (external ids), most preferred first. */
  readonly preferredGenres: readonly string[];
  /** Genre mixture θ in {@link PlantedTruth.genres} order (sums to 1). */
  readonly genreWeights: readonly number[];
  /** Audio preference point in {@link PlantedTruth.audioPreferenceFeatures} order. */
  readonly audioPreference: readonly number[];
}

/** A genre as written, with its database id. */
export interface PlantedGenre {
  readonly externalId: string;
  readonly id: number;
  readonly title: string;
  readonly parent: string | null;
}

/**
 * Everything the generator planted, so tests and evaluations can check a model recovers it.
 * See tools/synth/README.md for the meaning of every field.
 */
export interface PlantedTruth {
  readonly seed: number;
  readonly sizes: { readonly tracks: number; readonly artists: number; readonly users: number; readonly playsPerUser: number };
  readonly genres: readonly PlantedGenre[];
  /** Mean of each directly drawn audio feature per genre (external id → feature → mean). */
  readonly genreAudioMeans: Readonly<Record<string, Readonly<Record<ContinuousAudioFeature, number>>>>;
  /** loudness = intercept + energy·energy + year·(release_year − 2000) + N(0, noiseStd²), clamped to [−40, 0]. */
  readonly loudnessFormula: { readonly intercept: number; readonly energy: number; readonly year: number; readonly noiseStd: number };
  /** log1p(listens) = intercept + a·log1p(favorites) + b·log1p(interest) + c·log1p(comments) + d·ln(duration_s/ref)² + N(0, noiseStd²). */
  readonly listensFormula: {
    readonly intercept: number;
    readonly favorites: number;
    readonly interest: number;
    readonly comments: number;
    readonly durationSquaredLogRatio: number;
    readonly referenceDurationS: number;
    readonly noiseStd: number;
  };
  readonly audioPreferenceFeatures: readonly string[];
  readonly playModel: {
    readonly popularityShare: number;
    readonly repeatShare: number;
    readonly candidates: number;
    readonly audioSharpness: number;
    readonly preferredGenreMass: number;
    readonly artistZipfExponent: number;
  };
  readonly demographicGenreShifts: {
    readonly ageGroups: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly countries: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
  readonly users: readonly PlantedUser[];
}

/**
 * Writes the planted truth as pretty JSON, to a temp file first and then renamed into place.
 *
 * @param path - destination file; parent directories are created.
 * @param truth - the planted truth returned by `generateSynthetic`.
 * @throws SynthError `WRITE_FAILED` naming the path.
 * @example
 * ```ts
 * await writePlantedTruth('artifacts/synth/truth.json', result.plantedTruth);
 * ```
 */
export async function writePlantedTruth(path: string, truth: PlantedTruth): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, `${JSON.stringify(truth, null, 1)}\n`, 'utf8');
    await rename(tmp, path);
  } catch (cause) {
    throw new SynthError('WRITE_FAILED', `Could not write the planted truth to ${path}: ${(cause as Error).message}. Check the directory exists and is writable.`, {
      cause,
      context: { path },
    });
  }
}
