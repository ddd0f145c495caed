import { SynthError } from './errors';

/** Progress of a generation run, reported after every inserted batch. */
export interface SynthProgress {
  /** What is being written: `catalogue`, `users`, `plays` or `friendships`. */
  readonly phase: 'catalogue' | 'users' | 'plays' | 'friendships';
  /** Units done in this phase (tracks, users, or plays written so far). */
  readonly done: number;
  /** Units expected in this phase (for `plays`, the expected count; the final count may differ). */
  readonly total: number;
}

/** Options of {@link generateSynthetic}; every field is optional and defaults to the chosen preset. */
export interface SynthOptions {
  /** Named preset that supplies defaults for the sizes: `small` (default) or `large`. */
  preset?: SynthPresetName;
  /** Seed of every random draw; same seed and sizes → identical rows. Default 42. */
  seed?: number;
  /** Number of tracks (≥ artists). */
  tracks?: number;
  /** Number of artists (≥ 1). */
  artists?: number;
  /** Number of users (≥ 2). */
  users?: number;
  /** Mean plays per user; per-user counts are log-normal (σ = 1), so heavy-tailed. */
  playsPerUser?: number;
  /** Rows per multi-row INSERT (capped so no statement exceeds 65535 parameters). Default 5000. */
  batchSize?: number;
  /**
   * How user–track plays are stored: `events` (one row per play with `played_at`, default) or
   * `counts` (one row per user–track with `play_count`, `played_at` NULL).
   */
  trackPlays?: 'events' | 'counts';
  /** Delete existing `source = 'synthetic'` rows first instead of failing. Default false. */
  replace?: boolean;
  /** Write the planted truth as JSON to this path (temp file, then rename). */
  truthPath?: string;
  /** Called after every inserted batch. */
  onProgress?: (progress: SynthProgress) => void;
}

/** Names of the built-in presets. */
export type SynthPresetName = 'small' | 'large';

/** The sizes of a preset. */
export interface SynthPreset {
  readonly tracks: number;
  readonly artists: number;
  readonly users: number;
  readonly playsPerUser: number;
}

/**
 * Built-in presets: `small` (~2k tracks, 300 users, ~30k plays; a few seconds into PGlite) and
 * `large` (100k tracks × 10k users × ~1M plays; streams with bounded memory).
 */
export const SYNTH_PRESETS: Readonly<Record<SynthPresetName, SynthPreset>> = Object.freeze({
  small: Object.freeze({ tracks: 2000, artists: 200, users: 300, playsPerUser: 100 }),
  large: Object.freeze({ tracks: 100_000, artists: 8000, users: 10_000, playsPerUser: 100 }),
});

/** {@link SynthOptions} with every default applied and validated. */
export interface ResolvedSynthOptions {
  readonly preset: SynthPresetName;
  readonly seed: number;
  readonly tracks: number;
  readonly artists: number;
  readonly users: number;
  readonly playsPerUser: number;
  readonly batchSize: number;
  readonly trackPlays: 'events' | 'counts';
  readonly replace: boolean;
  readonly truthPath: string | null;
}

const positiveInt = (key: string, value: number, min: number, max: number): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SynthError('INVALID_OPTION', `Option "${key}" must be an integer in [${min}, ${max}], got ${String(value)}`, {
      context: { key, value },
    });
  }
  return value;
};

/**
 * Applies preset defaults to `options` and validates them.
 *
 * @param options - user options; sizes override the preset's.
 * @returns the resolved, validated options.
 * @throws SynthError `INVALID_OPTION` naming the bad key (unknown preset, non-integer or
 *   out-of-range size, artists > tracks, bad `trackPlays`).
 * @example
 * ```ts
 * resolveSynthOptions({ preset: 'small', users: 50 }).tracks; // 2000
 * ```
 */
export function resolveSynthOptions(options: SynthOptions = {}): ResolvedSynthOptions {
  const preset = options.preset ?? 'small';
  if (!Object.hasOwn(SYNTH_PRESETS, preset)) {
    throw new SynthError('INVALID_OPTION', `Unknown preset "${String(preset)}": use one of ${Object.keys(SYNTH_PRESETS).join(', ')}`, {
      context: { key: 'preset', value: preset },
    });
  }
  const base = SYNTH_PRESETS[preset];
  const seed = options.seed ?? 42;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new SynthError('INVALID_OPTION', `Option "seed" must be a finite number, got ${String(seed)}`, { context: { key: 'seed', value: seed } });
  }
  const tracks = positiveInt('tracks', options.tracks ?? base.tracks, 1, 50_000_000);
  const artists = positiveInt('artists', options.artists ?? Math.min(base.artists, tracks), 1, 10_000_000);
  if (artists > tracks) {
    throw new SynthError('INVALID_OPTION', `Option "artists" (${artists}) must not exceed "tracks" (${tracks}): every artist has at least one track`, {
      context: { key: 'artists', value: artists },
    });
  }
  const users = positiveInt('users', options.users ?? base.users, 2, 10_000_000);
  const playsPerUser = options.playsPerUser ?? base.playsPerUser;
  if (typeof playsPerUser !== 'number' || !Number.isFinite(playsPerUser) || playsPerUser < 1 || playsPerUser > 1_000_000) {
    throw new SynthError('INVALID_OPTION', `Option "playsPerUser" must be a number in [1, 1000000], got ${String(playsPerUser)}`, {
      context: { key: 'playsPerUser', value: playsPerUser },
    });
  }
  const batchSize = positiveInt('batchSize', options.batchSize ?? 5000, 1, 1_000_000);
  const trackPlays = options.trackPlays ?? 'events';
  if (trackPlays !== 'events' && trackPlays !== 'counts') {
    throw new SynthError('INVALID_OPTION', `Option "trackPlays" must be "events" or "counts", got ${String(trackPlays)}`, {
      context: { key: 'trackPlays', value: trackPlays },
    });
  }
  return {
    preset,
    seed,
    tracks,
    artists,
    users,
    playsPerUser,
    batchSize,
    trackPlays,
    replace: options.replace ?? false,
    truthPath: options.truthPath ?? null,
  };
}
