import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';
import type { LabelledTrack, TrackMetadata } from './track-metadata.types';

/** How training rows get their out-of-fold target encodings. */
export type OofGrouping = 'first-artist' | 'random';

/** Options of {@link fitFeatureEncoder}. */
export interface FeatureEncoderOptions {
  /** Audio features to predict, in output order (e.g. `['danceability', 'energy']`). */
  targets: readonly string[];
  /** Multi-hot width: the most frequent train genres (the rest share one `genre/other` slot). */
  topGenres: number;
  /** Smoothing weight m of the mean-target encodings: (Σ y + m·prior) / (n + m). */
  smoothing: number;
  /** Folds of the out-of-fold encodings on train rows. */
  folds: number;
  /**
   * `first-artist`: folds grouped by main artist, so a training row never sees its own artist's
   * targets, as an unseen test artist; `random`: plain folds (test artists are mostly known).
   */
  grouping: OofGrouping;
  /** Which encoding blocks to emit (ablations). */
  blocks: { artist: boolean; genre: boolean; related: boolean };
  seed: number;
}

/**
 * Everything the encoder fitted on the training rows, as plain JSON. `artistStats` /
 * `genreStats` hold `[count, Σ target_1, …]` from training rows only; `coArtists` is the
 * offline "related artists" graph: artists that appear together on a training track.
 */
export interface FeatureEncoderState {
  targets: string[];
  featureNames: string[];
  prior: number[];
  smoothing: number;
  popularityMean: number;
  duration: { mean: number; std: number };
  year: { mean: number; std: number } | null;
  explicitRate: number;
  topGenres: string[];
  blocks: { artist: boolean; genre: boolean; related: boolean };
  artistStats: Record<string, number[]>;
  genreStats: Record<string, number[]>;
  coArtists: Record<string, string[]>;
}

type StatLookup = (key: string) => ArrayLike<number> | undefined;

/**
 * Fits the metadata feature encoder on training tracks and returns the training matrix with
 * out-of-fold encodings (no row sees its own target, nor — with `first-artist` grouping — its
 * own artist's targets).
 *
 * Features: popularity/100, release year (z), duration (z, minutes, clipped ±5), explicit,
 * artist mean-target encoding per target (pooled over the track's artists) + log1p(artist rows),
 * multi-hot of the top genres + other, number of genres, genre mean-target encoding per target,
 * related-artist mean-target encoding per target (co-artists on training tracks + provided
 * `relatedArtists`) + log1p(related rows).
 *
 * @param train - labelled tracks; every `audio[target]` must be finite
 * @param options - see {@link FeatureEncoderOptions}
 * @returns `{ state, x }`, x float64 row-major `[train.length, featureNames.length]`
 * @throws ModelsError `INVALID_INPUT` naming `train[i].audio.<target>` when a target is missing
 * @example
 * ```ts
 * const { state, x } = fitFeatureEncoder(train, { targets: ['energy'], topGenres: 20, smoothing: 10, folds: 5, grouping: 'first-artist', blocks: { artist: true, genre: true, related: true }, seed: 1 });
 * ```
 */
export function fitFeatureEncoder(train: readonly LabelledTrack[], options: FeatureEncoderOptions): { state: FeatureEncoderState; x: Float64Array } {
  const T = options.targets.length;
  if (train.length === 0) throw new ModelsError('NO_DATA', 'fitFeatureEncoder: no training tracks');
  if (options.folds < 2) throw new ModelsError('INVALID_CONFIG', `fitFeatureEncoder: folds must be >= 2, got ${options.folds}`, { context: { key: 'folds' } });
  const ys = targetMatrix(train, options.targets, 'train');
  const prior = new Array<number>(T).fill(0);
  for (let i = 0; i < train.length; i++) for (let t = 0; t < T; t++) prior[t] = (prior[t] as number) + (ys[i * T + t] as number) / train.length;

  const pops = train.map((r) => r.popularity).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const durs = train.map((r) => r.durationMs).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).map((v) => v / 60000);
  const years = train.map((r) => r.releaseYear).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const expl = train.map((r) => r.explicit).filter((v): v is boolean => typeof v === 'boolean');
  const genreCounts = new Map<string, number>();
  for (const r of train) for (const g of uniq(r.genres ?? [])) genreCounts.set(g, (genreCounts.get(g) ?? 0) + 1);
  const topGenres = [...genreCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, options.topGenres).map(([g]) => g);

  // Offline related-artist graph: artists sharing a training track, plus provided relations.
  const co = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    if (a === b) return;
    let s = co.get(a);
    if (!s) co.set(a, (s = new Set()));
    s.add(b);
  };
  for (const r of train) {
    const as = uniq(r.artists);
    for (const a of as) for (const b of as) link(a, b);
    for (const a of as) for (const b of uniq(r.relatedArtists ?? [])) {
      link(a, b);
      link(b, a);
    }
  }

  const state: FeatureEncoderState = {
    targets: [...options.targets],
    featureNames: [],
    prior,
    smoothing: options.smoothing,
    popularityMean: mean(pops, 50),
    duration: meanStd(durs),
    year: years.length > 0 ? meanStd(years) : null,
    explicitRate: expl.length > 0 ? expl.filter((e) => e).length / expl.length : 0,
    topGenres,
    blocks: { ...options.blocks },
    artistStats: {},
    genreStats: {},
    coArtists: Object.fromEntries([...co.entries()].map(([k, v]) => [k, [...v].sort()])),
  };
  state.featureNames = featureNames(state);

  // Totals and per-fold stats.
  const folds = assignFolds(train, options.folds, options.grouping, options.seed);
  const totalA = new Map<string, Float64Array>();
  const totalG = new Map<string, Float64Array>();
  const foldA = Array.from({ length: options.folds }, () => new Map<string, Float64Array>());
  const foldG = Array.from({ length: options.folds }, () => new Map<string, Float64Array>());
  for (let i = 0; i < train.length; i++) {
    const r = train[i] as LabelledTrack;
    const f = folds[i] as number;
    for (const a of uniq(r.artists)) {
      addStat(totalA, a, ys, i, T);
      addStat(foldA[f] as Map<string, Float64Array>, a, ys, i, T);
    }
    for (const g of uniq(r.genres ?? [])) {
      addStat(totalG, g, ys, i, T);
      addStat(foldG[f] as Map<string, Float64Array>, g, ys, i, T);
    }
  }
  state.artistStats = Object.fromEntries([...totalA.entries()].map(([k, v]) => [k, Array.from(v)]));
  state.genreStats = Object.fromEntries([...totalG.entries()].map(([k, v]) => [k, Array.from(v)]));

  const D = state.featureNames.length;
  const x = new Float64Array(train.length * D);
  const tmp = new Float64Array(T + 1);
  const minus = (total: Map<string, Float64Array>, fold: Map<string, Float64Array>): StatLookup => (key) => {
    const a = total.get(key);
    if (!a) return undefined;
    const b = fold.get(key);
    if (!b) return a;
    for (let t = 0; t <= T; t++) tmp[t] = (a[t] as number) - (b[t] as number);
    return tmp[0] as number > 0 ? tmp : undefined;
  };
  const lookups = Array.from({ length: options.folds }, (_, f) => ({
    artist: minus(totalA, foldA[f] as Map<string, Float64Array>),
    genre: minus(totalG, foldG[f] as Map<string, Float64Array>),
  }));
  for (let i = 0; i < train.length; i++) {
    const l = lookups[folds[i] as number] as { artist: StatLookup; genre: StatLookup };
    encodeOne(state, train[i] as LabelledTrack, l.artist, l.genre, x, i * D);
  }
  return { state, x };
}

/**
 * Encodes tracks with a fitted encoder (full training statistics; unseen artists/genres fall
 * back to the prior).
 *
 * @param state - from {@link fitFeatureEncoder}
 * @param tracks - tracks to encode (validated by the caller)
 * @returns float64 row-major `[tracks.length, state.featureNames.length]`
 * @example
 * ```ts
 * const x = encodeTracks(state, [{ id: 'a', artists: ['X'], popularity: 40, genres: ['pop'] }]);
 * ```
 */
export function encodeTracks(state: FeatureEncoderState, tracks: readonly TrackMetadata[]): Float64Array {
  const D = state.featureNames.length;
  const x = new Float64Array(tracks.length * D);
  const a: StatLookup = (k) => state.artistStats[k];
  const g: StatLookup = (k) => state.genreStats[k];
  for (let i = 0; i < tracks.length; i++) encodeOne(state, tracks[i] as TrackMetadata, a, g, x, i * D);
  return x;
}

/**
 * Builds the `[n, targets.length]` target matrix of labelled tracks.
 *
 * @param rows - labelled tracks
 * @param targets - target names
 * @param what - name used in error messages (e.g. `train`)
 * @returns float64 row-major `[n, T]`
 * @throws ModelsError `INVALID_INPUT` naming `<what>[i].audio.<target>`
 */
export function targetMatrix(rows: readonly LabelledTrack[], targets: readonly string[], what: string): Float64Array {
  const T = targets.length;
  const ys = new Float64Array(rows.length * T);
  rows.forEach((r, i) =>
    targets.forEach((t, j) => {
      const v = r.audio[t];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ModelsError('INVALID_INPUT', `${what}[${i}].audio.${t} must be a finite number, got ${String(v)}`, { context: { field: `${what}[${i}].audio.${t}`, index: i, key: t } });
      }
      ys[i * T + j] = v;
    }),
  );
  return ys;
}

function featureNames(s: FeatureEncoderState): string[] {
  const names = ['popularity', 'release_year', 'duration', 'explicit'];
  if (s.blocks.artist) names.push(...s.targets.map((t) => `artist_enc/${t}`), 'artist_log_rows');
  names.push(...s.topGenres.map((g) => `genre/${g}`), 'genre/other', 'genre_count');
  if (s.blocks.genre) names.push(...s.targets.map((t) => `genre_enc/${t}`));
  if (s.blocks.related) names.push(...s.targets.map((t) => `related_enc/${t}`), 'related_log_rows');
  return names;
}

function encodeOne(s: FeatureEncoderState, r: TrackMetadata, artist: StatLookup, genre: StatLookup, x: Float64Array, off: number): void {
  const T = s.targets.length;
  let k = off;
  const pop = typeof r.popularity === 'number' && Number.isFinite(r.popularity) ? r.popularity : s.popularityMean;
  x[k++] = pop / 100;
  x[k++] = s.year && typeof r.releaseYear === 'number' && Number.isFinite(r.releaseYear) ? (r.releaseYear - s.year.mean) / s.year.std : 0;
  const dur = typeof r.durationMs === 'number' && Number.isFinite(r.durationMs) ? (r.durationMs / 60000 - s.duration.mean) / s.duration.std : 0;
  x[k++] = Math.max(-5, Math.min(5, dur));
  x[k++] = typeof r.explicit === 'boolean' ? (r.explicit ? 1 : 0) : s.explicitRate;
  const artists = uniq(r.artists);
  if (s.blocks.artist) {
    const rows = pooled(s, artists, artist, x, k);
    k += T;
    x[k++] = Math.log1p(rows);
  }
  const genres = uniq(r.genres ?? []);
  let other = 0;
  for (const g of s.topGenres) x[k++] = genres.includes(g) ? 1 : 0;
  for (const g of genres) if (!s.topGenres.includes(g)) other = 1;
  x[k++] = other;
  x[k++] = genres.length;
  if (s.blocks.genre) {
    pooled(s, genres, genre, x, k);
    k += T;
  }
  if (s.blocks.related) {
    const own = new Set(artists);
    const rel = new Set<string>();
    for (const a of artists) for (const b of s.coArtists[a] ?? []) if (!own.has(b)) rel.add(b);
    for (const b of r.relatedArtists ?? []) if (!own.has(b)) rel.add(b);
    const rows = pooled(s, [...rel], artist, x, k);
    k += T;
    x[k++] = Math.log1p(rows);
  }
}

/** Smoothed pooled mean of the keys' targets written at x[off..off+T); returns the pooled row count. */
function pooled(s: FeatureEncoderState, keys: readonly string[], lookup: StatLookup, x: Float64Array, off: number): number {
  const T = s.targets.length;
  let n = 0;
  for (let t = 0; t < T; t++) x[off + t] = 0;
  for (const key of keys) {
    const st = lookup(key);
    if (!st) continue;
    n += st[0] as number;
    for (let t = 0; t < T; t++) x[off + t] = (x[off + t] as number) + (st[t + 1] as number);
  }
  for (let t = 0; t < T; t++) x[off + t] = ((x[off + t] as number) + s.smoothing * (s.prior[t] as number)) / (n + s.smoothing);
  return n;
}

function addStat(m: Map<string, Float64Array>, key: string, ys: Float64Array, i: number, T: number): void {
  let a = m.get(key);
  if (!a) m.set(key, (a = new Float64Array(T + 1)));
  a[0] = (a[0] as number) + 1;
  for (let t = 0; t < T; t++) a[t + 1] = (a[t + 1] as number) + (ys[i * T + t] as number);
}

function assignFolds(train: readonly TrackMetadata[], k: number, grouping: OofGrouping, seed: number): Int32Array {
  const rng = new Rng(seed);
  const folds = new Int32Array(train.length);
  if (grouping === 'random') {
    const perm = rng.permutation(train.length);
    perm.forEach((row, i) => (folds[row] = i % k));
    return folds;
  }
  const groups = [...new Set(train.map((r) => r.artists[0] ?? `#${r.id}`))].sort();
  rng.shuffle(groups);
  const fold = new Map(groups.map((g, i) => [g, i % k]));
  train.forEach((r, i) => (folds[i] = fold.get(r.artists[0] ?? `#${r.id}`) as number));
  return folds;
}

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function mean(xs: number[], fallback: number): number {
  return xs.length === 0 ? fallback : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function meanStd(xs: number[]): { mean: number; std: number } {
  const m = mean(xs, 0);
  const v = xs.length === 0 ? 1 : xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
  return { mean: m, std: Math.sqrt(v) > 1e-12 ? Math.sqrt(v) : 1 };
}
