import { AliasSampler, type Rng } from '@tunekit/core';
import { CONTINUOUS_AUDIO_FEATURES, GENERIC_TAGS, GENRES, PREFERENCE_AUDIO_FEATURES, type GenreSpec } from './taxonomy';

/** Coefficients of the planted listens formula (see README, "Track statistics"). */
export const LISTENS_FORMULA = Object.freeze({
  intercept: 1.0,
  favorites: 0.45,
  interest: 0.55,
  comments: 0.2,
  /** Coefficient of `(ln(duration_s / referenceDurationS))²`. */
  durationSquaredLogRatio: -0.6,
  referenceDurationS: 240,
  noiseStd: 0.3,
});

/** Exponent of the Zipf law over artist popularity ranks: weight = (rank + 1)^-exponent. */
export const ARTIST_ZIPF_EXPONENT = 0.9;

const DAY_MS = 86_400_000;
const UPLOAD_START = Date.UTC(2008, 0, 1);
const UPLOAD_END = Date.UTC(2017, 11, 31);

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * The synthetic catalogue held in memory as columnar arrays (indexes, not database ids): O(tracks)
 * memory, ~100 bytes per track. Rows are produced from it batch by batch.
 */
export interface Catalogue {
  readonly trackCount: number;
  readonly artistCount: number;
  readonly albumCount: number;
  /** Genre index of each artist's main genre, int32 [artists]. */
  readonly artistGenre: Int32Array;
  /** Popularity weight of each artist (Zipf over a random rank), float64 [artists]. */
  readonly artistWeight: Float64Array;
  /** First track index of each artist (tracks are contiguous per artist), int32 [artists + 1]. */
  readonly artistTrackStart: Int32Array;
  /** Artist index of each album, int32 [albums]. */
  readonly albumArtist: Int32Array;
  /** Release year of each album, int32 [albums]. */
  readonly albumYear: Int32Array;
  /** Upload date (ms since epoch) of each album, float64 [albums]. */
  readonly albumDate: Float64Array;
  /** Track count of each album, int32 [albums]. */
  readonly albumTrackCount: Int32Array;
  /** Per track: artist index, album index, genre index, position in album (0-based). */
  readonly trackArtist: Int32Array;
  readonly trackAlbum: Int32Array;
  readonly trackGenre: Int32Array;
  readonly trackPosition: Int32Array;
  /** Popularity weight of each track, float64 [tracks]. */
  readonly trackWeight: Float64Array;
  /** Standardised log popularity weight ("appeal") of each track, float64 [tracks]. */
  readonly trackAppeal: Float64Array;
  /** Audio features in {@link PREFERENCE_AUDIO_FEATURES} order, float32 [tracks × 4] row-major. */
  readonly trackPrefAudio: Float32Array;
  /** Samplers over tracks ∝ weight: global, and one per genre (null when the genre has no track). */
  readonly globalSampler: AliasSampler;
  readonly genreSamplers: readonly (AliasSampler | null)[];
  /** Track indexes of each genre (the genre samplers draw positions into these). */
  readonly genreTracks: readonly Int32Array[];
  /** Primary-genre track counts, per genre index. */
  readonly genreTrackCounts: Int32Array;
}

/** Index of each genre's parent in {@link GENRES}, or -1. */
export const GENRE_PARENT_INDEX: readonly number[] = GENRES.map((g) => (g.parent === null ? -1 : GENRES.findIndex((p) => p.externalId === g.parent)));

/** Genres close to genre `g` (parent, children, siblings), used for off-genre tracks of an artist. */
function relatedGenres(g: number): number[] {
  const top = GENRE_PARENT_INDEX[g] === -1 ? g : (GENRE_PARENT_INDEX[g] as number);
  const out: number[] = [];
  for (let i = 0; i < GENRES.length; i++) {
    if (i !== g && (i === top || GENRE_PARENT_INDEX[i] === top)) out.push(i);
  }
  return out;
}

/**
 * Draws the catalogue structure (artists, albums, tracks, genres, popularity) in memory.
 *
 * @param rng - seeded generator (consumed).
 * @param tracks - number of tracks (≥ artists).
 * @param artists - number of artists (≥ 1).
 * @returns the columnar catalogue.
 */
export function buildCatalogue(rng: Rng, tracks: number, artists: number): Catalogue {
  const genreShare = GENRES.map((g) => g.share);
  const genreSampler = new AliasSampler(genreShare);
  const artistGenre = new Int32Array(artists);
  const artistWeight = new Float64Array(artists);
  const rank = rng.permutation(artists);
  const productivity = new Float64Array(artists);
  for (let i = 0; i < artists; i++) {
    artistGenre[i] = genreSampler.draw(rng);
    artistWeight[i] = Math.pow((rank[i] as number) + 1, -ARTIST_ZIPF_EXPONENT);
    productivity[i] = Math.exp(rng.normal(0, 0.8));
  }
  // Every artist gets one track; the rest go to artists ∝ a log-normal productivity.
  const perArtist = new Int32Array(artists).fill(1);
  const prodSampler = new AliasSampler(productivity);
  for (let i = artists; i < tracks; i++) {
    const k = prodSampler.draw(rng);
    perArtist[k] = (perArtist[k] as number) + 1;
  }
  const artistTrackStart = new Int32Array(artists + 1);
  for (let i = 0; i < artists; i++) artistTrackStart[i + 1] = (artistTrackStart[i] as number) + (perArtist[i] as number);

  const albumArtist: number[] = [];
  const albumYear: number[] = [];
  const albumDate: number[] = [];
  const albumTrackCount: number[] = [];
  const trackArtist = new Int32Array(tracks);
  const trackAlbum = new Int32Array(tracks);
  const trackGenre = new Int32Array(tracks);
  const trackPosition = new Int32Array(tracks);
  const trackWeight = new Float64Array(tracks);
  const related = GENRES.map((_, g) => relatedGenres(g));
  for (let ar = 0; ar < artists; ar++) {
    const start = artistTrackStart[ar] as number;
    const end = artistTrackStart[ar + 1] as number;
    let t = start;
    while (t < end) {
      const size = Math.min(end - t, 4 + rng.int(11));
      const album = albumArtist.length;
      albumArtist.push(ar);
      albumYear.push(Math.max(1960, 2024 - Math.floor(-12 * Math.log(1 - rng.next()))));
      albumDate.push(UPLOAD_START + Math.floor(rng.next() * ((UPLOAD_END - UPLOAD_START) / DAY_MS)) * DAY_MS);
      albumTrackCount.push(size);
      for (let p = 0; p < size; p++, t++) {
        trackArtist[t] = ar;
        trackAlbum[t] = album;
        trackPosition[t] = p;
        const main = artistGenre[ar] as number;
        const r = rng.next();
        const rel = related[main] as number[];
        trackGenre[t] = r < 0.85 ? main : r < 0.95 && rel.length > 0 ? rng.choice(rel) : rng.int(GENRES.length);
        trackWeight[t] = (artistWeight[ar] as number) * Math.exp(rng.normal(0, 0.7));
      }
    }
  }
  let mean = 0;
  for (let t = 0; t < tracks; t++) mean += Math.log(trackWeight[t] as number);
  mean /= tracks;
  let variance = 0;
  for (let t = 0; t < tracks; t++) variance += (Math.log(trackWeight[t] as number) - mean) ** 2;
  const std = Math.sqrt(variance / tracks) || 1;
  const trackAppeal = new Float64Array(tracks);
  for (let t = 0; t < tracks; t++) trackAppeal[t] = (Math.log(trackWeight[t] as number) - mean) / std;

  const genreLists: number[][] = GENRES.map(() => []);
  for (let t = 0; t < tracks; t++) (genreLists[trackGenre[t] as number] as number[]).push(t);
  const genreTracks = genreLists.map((l) => Int32Array.from(l));
  const genreSamplers = genreTracks.map((ids) => (ids.length === 0 ? null : new AliasSampler(Array.from(ids, (t) => trackWeight[t] as number))));
  return {
    trackCount: tracks,
    artistCount: artists,
    albumCount: albumArtist.length,
    artistGenre,
    artistWeight,
    artistTrackStart,
    albumArtist: Int32Array.from(albumArtist),
    albumYear: Int32Array.from(albumYear),
    albumDate: Float64Array.from(albumDate),
    albumTrackCount: Int32Array.from(albumTrackCount),
    trackArtist,
    trackAlbum,
    trackGenre,
    trackPosition,
    trackWeight,
    trackAppeal,
    trackPrefAudio: new Float32Array(tracks * PREFERENCE_AUDIO_FEATURES.length),
    globalSampler: new AliasSampler(trackWeight),
    genreSamplers,
    genreTracks,
    genreTrackCounts: Int32Array.from(genreTracks, (l) => l.length),
  };
}

/** Per-artist audio offsets (added to the genre mean of every track of the artist). */
export function drawArtistAudioOffsets(rng: Rng, artists: number): Float64Array {
  const k = CONTINUOUS_AUDIO_FEATURES.length;
  const out = new Float64Array(artists * k);
  for (let i = 0; i < artists; i++) {
    for (let f = 0; f < k; f++) out[i * k + f] = CONTINUOUS_AUDIO_FEATURES[f] === 'tempo' ? rng.normal(0, 6) : rng.normal(0, 0.04);
  }
  return out;
}

/** One track's generated columns (tracks + audio_features), before database ids are known. */
export interface TrackDraw {
  readonly durationS: number;
  readonly favorites: number;
  readonly interest: number;
  readonly comments: number;
  readonly listens: number;
  readonly dateCreated: Date;
  readonly yearCreated: number;
  readonly releaseYear: number;
  readonly explicit: boolean;
  readonly popularity: number;
  readonly bitRate: number;
  readonly audio: {
    acousticness: number;
    danceability: number;
    energy: number;
    instrumentalness: number;
    liveness: number;
    speechiness: number;
    tempo: number;
    valence: number;
    loudness: number;
    key: number;
    mode: number;
    time_signature: number;
  };
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const BIT_RATES = [128_000, 192_000, 256_000, 320_000];

/**
 * Draws the statistics and audio features of track `t` (and stores its preference-space audio
 * in `cat.trackPrefAudio`). Formulas are documented in the README.
 */
export function drawTrack(rng: Rng, cat: Catalogue, artistOffsets: Float64Array, t: number): TrackDraw {
  const g = GENRES[cat.trackGenre[t] as number] as GenreSpec;
  const ar = cat.trackArtist[t] as number;
  const album = cat.trackAlbum[t] as number;
  const k = CONTINUOUS_AUDIO_FEATURES.length;
  const off = (f: number): number => artistOffsets[ar * k + f] as number;
  const m = g.audio;
  const releaseYear = cat.albumYear[album] as number;
  const explicit = rng.bernoulli(g.explicitProbability);
  const energy = clamp(m.energy + off(2) + rng.normal(0, 0.08), 0, 1);
  const energyDev = energy - m.energy;
  const acousticness = clamp(m.acousticness + off(0) - 0.5 * energyDev + rng.normal(0, 0.08), 0, 1);
  const danceability = clamp(m.danceability + off(1) + rng.normal(0, 0.08), 0, 1);
  const instrumentalness = clamp(m.instrumentalness + off(3) + rng.normal(0, 0.08), 0, 1);
  const liveness = clamp(m.liveness + off(4) + rng.normal(0, 0.08), 0, 1);
  const speechiness = clamp(m.speechiness + off(5) + 0.12 * ((explicit ? 1 : 0) - g.explicitProbability) + rng.normal(0, 0.05), 0, 1);
  const valence = clamp(m.valence + off(6) + 0.3 * (danceability - m.danceability) + rng.normal(0, 0.08), 0, 1);
  const tempo = clamp(m.tempo + off(7) + 20 * energyDev + rng.normal(0, 8), 50, 220);
  const loudness = clamp(-18 + 12 * energy + 0.06 * (releaseYear - 2000) + rng.normal(0, 1.5), -40, 0);
  const mode = rng.bernoulli(g.majorProbability) ? 1 : 0;
  const r = rng.next();
  const timeSignature = r < g.threeFourProbability ? 3 : r < g.threeFourProbability + 0.01 ? 5 : 4;
  const key = rng.int(12);
  const p = PREFERENCE_AUDIO_FEATURES.length;
  cat.trackPrefAudio[t * p] = acousticness;
  cat.trackPrefAudio[t * p + 1] = danceability;
  cat.trackPrefAudio[t * p + 2] = energy;
  cat.trackPrefAudio[t * p + 3] = valence;

  const z = cat.trackAppeal[t] as number;
  const durationS = Math.round(clamp(g.durationS * Math.exp(rng.normal(0, 0.3)), 30, 1800) * 1000) / 1000;
  const favorites = Math.round(Math.expm1(Math.max(0, 1.5 + 0.9 * z + rng.normal(0, 0.5))));
  const interest = Math.round(Math.expm1(Math.max(0, 5.5 + 0.8 * z + rng.normal(0, 0.5))));
  const comments = Math.round(Math.expm1(Math.max(0, 0.3 + 0.5 * z + rng.normal(0, 0.5))));
  const L = LISTENS_FORMULA;
  const logListens =
    L.intercept +
    L.favorites * Math.log1p(favorites) +
    L.interest * Math.log1p(interest) +
    L.comments * Math.log1p(comments) +
    L.durationSquaredLogRatio * Math.log(durationS / L.referenceDurationS) ** 2 +
    rng.normal(0, L.noiseStd);
  const listens = Math.max(0, Math.round(Math.expm1(logListens)));
  const dateCreated = new Date((cat.albumDate[album] as number) + Math.floor(rng.next() * 30 * 86_400) * 1000);
  const popularity = clamp(Math.round(45 + 15 * z + rng.normal(0, 3)), 0, 100);
  return {
    durationS,
    favorites,
    interest,
    comments,
    listens,
    dateCreated,
    yearCreated: dateCreated.getUTCFullYear(),
    releaseYear,
    explicit,
    popularity,
    bitRate: BIT_RATES[rng.int(BIT_RATES.length)] as number,
    audio: {
      acousticness: round4(acousticness),
      danceability: round4(danceability),
      energy: round4(energy),
      instrumentalness: round4(instrumentalness),
      liveness: round4(liveness),
      speechiness: round4(speechiness),
      tempo: round4(tempo),
      valence: round4(valence),
      loudness: round4(loudness),
      key,
      mode,
      time_signature: timeSignature,
    },
  };
}

/** The tag vocabulary: every genre tag, then the generic tags, deduplicated, in a fixed order. */
export const TAG_NAMES: readonly string[] = Object.freeze([...new Set([...GENRES.flatMap((g) => g.tags), ...GENERIC_TAGS])]);

/**
 * Tags of artist `ar`: 1–3 distinct tags of its main genre, one of the parent genre's with
 * probability 0.5 (sub-genres), and one generic tag with probability 0.3. Returns tag indexes
 * into {@link TAG_NAMES}.
 */
export function drawArtistTags(rng: Rng, cat: Catalogue, ar: number): number[] {
  const g = cat.artistGenre[ar] as number;
  const spec = GENRES[g] as GenreSpec;
  const names = rng.sample(spec.tags, 1 + rng.int(Math.min(3, spec.tags.length)));
  const parent = GENRE_PARENT_INDEX[g] as number;
  if (parent >= 0 && rng.bernoulli(0.5)) names.push(rng.choice((GENRES[parent] as GenreSpec).tags));
  if (rng.bernoulli(0.3)) names.push(rng.choice(GENERIC_TAGS));
  return [...new Set(names.map((n) => TAG_NAMES.indexOf(n)))];
}
