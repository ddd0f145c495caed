import { AUDIO_FEATURE_NAMES, type AudioFeatureName, type ItemKind } from '@tunekit/core';
import { sql, type Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';
import { externalIdOrder, itemKindTables } from './item-kinds';

/** Where an item's `genre` came from. */
export type GenreOrigin = 'primary-genre' | 'track-genres' | 'top-tag';

/**
 * Side features of every item of one kind and source, columnar, keyed by external id (`ids`) in
 * natural external-id order (shorter first, then byte order). The columns are the same for both
 * kinds; for artists the track-level ones are aggregated over the artist's tracks.
 */
export interface ItemAttributes {
  itemKind: ItemKind;
  /** [n] — external ids. */
  ids: string[];
  /** [n] — track title / artist name. */
  names: (string | null)[];
  /** [n] — external id of the (main) artist: a track's `tracks.artist_id`; an artist's own id. */
  artistIds: (string | null)[];
  /** [n] — genre title or tag name, see `genreOrigins`. */
  genres: (string | null)[];
  /** [n] — `primary-genre` (tracks), `track-genres` or `top-tag` (artists); null when no genre. */
  genreOrigins: (GenreOrigin | null)[];
  /** float32 [n] — release year (`release_year`, else `year_created`); artists: mean over tracks; NaN = unknown. */
  years: Float32Array;
  /** float32 [n] — duration in seconds; artists: mean over tracks; NaN = unknown. */
  durations: Float32Array;
  /** Names of the `audio` columns: every {@link AUDIO_FEATURE_NAMES} entry, in that order. */
  audioColumns: readonly AudioFeatureName[];
  /** float32 [n, audioColumns.length] row-major — audio features; artists: mean over tracks with a value; NaN = unknown. */
  audio: Float32Array;
}

type AudioValues = Record<AudioFeatureName, number | string | null>;

const num = (v: number | string | null | undefined): number => (v === null || v === undefined ? Number.NaN : Number(v));

// Every query below is a plain join on indexed keys with any GROUP BY / ORDER BY at the top, and
// the per-artist aggregates are merged in JS. Joining those aggregates to their items in SQL (or
// LATERAL subqueries) let PostgreSQL re-run an aggregate once per item whenever its statistics
// were stale or missing — right after a bulk import, and always on PGlite, which has no
// autovacuum: measured 59 s (PGlite) and > 30 s (PostgreSQL) for the 9,947 Spotify artists,
// against < 1 s for this form on both.

/** The columns shared by both kinds, one entry per item, before the audio block is filled. */
interface ItemBase {
  ids: string[];
  names: (string | null)[];
  artistIds: (string | null)[];
  genres: (string | null)[];
  genreOrigins: (GenreOrigin | null)[];
  years: Float32Array;
  durations: Float32Array;
  audio: Float32Array;
}

function emptyBase(n: number): ItemBase {
  return {
    ids: new Array<string>(n),
    names: new Array<string | null>(n).fill(null),
    artistIds: new Array<string | null>(n).fill(null),
    genres: new Array<string | null>(n).fill(null),
    genreOrigins: new Array<GenreOrigin | null>(n).fill(null),
    years: new Float32Array(n).fill(Number.NaN),
    durations: new Float32Array(n).fill(Number.NaN),
    audio: new Float32Array(n * AUDIO_FEATURE_NAMES.length).fill(Number.NaN),
  };
}

function setAudio(out: ItemBase, k: number, r: AudioValues): void {
  const cols = AUDIO_FEATURE_NAMES.length;
  AUDIO_FEATURE_NAMES.forEach((c, j) => (out.audio[k * cols + j] = num(r[c])));
}

async function trackAttributes(db: Kysely<TunekitDatabase>, source: string): Promise<ItemBase> {
  // One row per track, or one per primary genre should a track have several (first = lowest genre id).
  const r = await sql<{ tid: number; id: string; name: string | null; artist: string | null; genre: string | null; year: number | null; duration: number | null } & AudioValues>`
    SELECT t.id AS tid, t.external_id AS id, t.title AS name, a.external_id AS artist, g.title AS genre,
      coalesce(t.release_year, t.year_created) AS year, t.duration_s AS duration,
      ${sql.join(AUDIO_FEATURE_NAMES.map((c) => sql`af.${sql.ref(c)}`))}
    FROM tracks t
    LEFT JOIN artists a ON a.id = t.artist_id
    LEFT JOIN track_genres tg ON tg.track_id = t.id AND tg.is_primary
    LEFT JOIN genres g ON g.id = tg.genre_id
    LEFT JOIN audio_features af ON af.track_id = t.id
    WHERE t.source = ${source}
    ORDER BY ${externalIdOrder('t.external_id')}, tg.genre_id`.execute(db);
  const rows = r.rows.filter((x, i) => i === 0 || r.rows[i - 1]?.tid !== x.tid);
  const out = emptyBase(rows.length);
  rows.forEach((x, k) => {
    out.ids[k] = x.id;
    out.names[k] = x.name;
    out.artistIds[k] = x.artist;
    out.genres[k] = x.genre;
    out.genreOrigins[k] = x.genre === null ? null : 'primary-genre';
    out.years[k] = num(x.year);
    out.durations[k] = num(x.duration);
    setAudio(out, k, x);
  });
  return out;
}

async function artistAttributes(db: Kysely<TunekitDatabase>, source: string): Promise<ItemBase> {
  const artists = await sql<{ aid: number; id: string; name: string }>`
    SELECT a.id AS aid, a.external_id AS id, a.name FROM artists a
    WHERE a.source = ${source}
    ORDER BY ${externalIdOrder('a.external_id')}`.execute(db);
  // Sorted so that the first row per artist is the answer: most frequent, then byte order of the name.
  const trackGenres = await sql<{ aid: number; title: string }>`
    SELECT t.artist_id AS aid, g.title FROM tracks t
    JOIN artists a ON a.id = t.artist_id
    JOIN track_genres x ON x.track_id = t.id AND x.is_primary
    JOIN genres g ON g.id = x.genre_id
    WHERE a.source = ${source}
    GROUP BY t.artist_id, g.title
    ORDER BY t.artist_id, count(*) DESC, g.title COLLATE "C"`.execute(db);
  const topTags = await sql<{ aid: number; name: string }>`
    SELECT ta.artist_id AS aid, tag.name FROM tag_assignments ta
    JOIN artists a ON a.id = ta.artist_id
    JOIN tags tag ON tag.id = ta.tag_id
    WHERE a.source = ${source}
    GROUP BY ta.artist_id, tag.id, tag.name
    ORDER BY ta.artist_id, count(*) DESC, tag.name COLLATE "C", tag.id`.execute(db);
  const profiles = await sql<{ aid: number; year: number | string | null; duration: number | string | null } & AudioValues>`
    SELECT t.artist_id AS aid, avg(coalesce(t.release_year, t.year_created)) AS year, avg(t.duration_s) AS duration,
      ${sql.join(AUDIO_FEATURE_NAMES.map((c) => sql`avg(af.${sql.ref(c)}) AS ${sql.ref(c)}`))}
    FROM tracks t
    JOIN artists a ON a.id = t.artist_id
    LEFT JOIN audio_features af ON af.track_id = t.id
    WHERE a.source = ${source}
    GROUP BY t.artist_id`.execute(db);
  const first = <T extends { aid: number }>(rows: T[]): Map<number, T> => {
    const m = new Map<number, T>();
    for (const x of rows) if (!m.has(x.aid)) m.set(x.aid, x);
    return m;
  };
  const genreOf = first(trackGenres.rows);
  const tagOf = first(topTags.rows);
  const profileOf = first(profiles.rows);
  const out = emptyBase(artists.rows.length);
  artists.rows.forEach((a, k) => {
    out.ids[k] = a.id;
    out.names[k] = a.name;
    out.artistIds[k] = a.id;
    const g = genreOf.get(a.aid)?.title;
    const t = tagOf.get(a.aid)?.name;
    out.genres[k] = g ?? t ?? null;
    out.genreOrigins[k] = g !== undefined ? 'track-genres' : t !== undefined ? 'top-tag' : null;
    const p = profileOf.get(a.aid);
    if (p) {
      out.years[k] = num(p.year);
      out.durations[k] = num(p.duration);
      setAudio(out, k, p);
    }
  });
  return out;
}

const LOADERS: Readonly<Record<ItemKind, (db: Kysely<TunekitDatabase>, source: string) => Promise<ItemBase>>> = Object.freeze({ track: trackAttributes, artist: artistAttributes });

/**
 * Item-tower side features for every item of one kind and source: one query for tracks, four
 * set-based ones for artists (never one per item).
 *
 * - tracks: title, main artist's external id, primary genre title (the importers mark one; should a
 *   track have several, the lowest genre id), release year
 *   (`release_year ?? year_created`), duration (s), the 12 audio features.
 * - artists: name, own id as `artistIds`, genre = the most common primary genre of its tracks
 *   (`genreOrigins` `track-genres`), else its most applied tag (`top-tag`; ties → byte order of
 *   the name), and the mean year, duration and audio profile of the tracks whose main artist it is
 *   (NaN where it has none, e.g. every hetrec artist).
 *
 * @param db - open database
 * @param options.itemKind - `artist` | `track`
 * @param options.source - `artists.source` / `tracks.source`
 * @returns columnar {@link ItemAttributes} (n = items of the source)
 * @throws DataAccessError `INVALID_ARGUMENT` for an unknown item kind
 * @example
 * ```ts
 * const a = await getItemAttributes(db, { itemKind: 'artist', source: 'lastfm-2k' });
 * a.genres[a.ids.indexOf('51')]; // its top tag
 * const energy = a.audio[k * a.audioColumns.length + a.audioColumns.indexOf('energy')];
 * ```
 */
export async function getItemAttributes(db: Kysely<TunekitDatabase>, options: { itemKind: ItemKind; source: string }): Promise<ItemAttributes> {
  itemKindTables(options.itemKind);
  const base = await (LOADERS[options.itemKind] as (db: Kysely<TunekitDatabase>, source: string) => Promise<ItemBase>)(db, options.source);
  return { itemKind: options.itemKind, ...base, audioColumns: AUDIO_FEATURE_NAMES };
}

/** User-tower side features, columnar, keyed by external id (`ids`) in natural external-id order. */
export interface UserAttributes {
  /** [n] — `users.external_id`. */
  ids: string[];
  /** float32 [n] — age in years; NaN = unknown. */
  ages: Float32Array;
  /** [n] — gender as stored (`m`, `f`, …) or null. */
  genders: (string | null)[];
  /** [n] — country or null. */
  countries: (string | null)[];
  /** [n] — signup day `YYYY-MM-DD` or null. */
  signupDates: (string | null)[];
}

/**
 * Age, gender, country and signup day of every user of one source, keyed by external id — the
 * external-id twin of `getUserProfiles` (which keys by internal id and stays as it is).
 *
 * @param db - open database
 * @param options.source - `users.source`, e.g. `lastfm-360k`
 * @returns columnar {@link UserAttributes}
 * @example
 * ```ts
 * const u = await getUserAttributes(db, { source: 'lastfm-360k' });
 * u.countries[u.ids.indexOf(sha1)];
 * ```
 */
export async function getUserAttributes(db: Kysely<TunekitDatabase>, options: { source: string }): Promise<UserAttributes> {
  const r = await sql<{ id: string; age: number | null; gender: string | null; country: string | null; signup: string | null }>`
    SELECT external_id AS id, age, gender, country, to_char(signup_date, 'YYYY-MM-DD') AS signup
    FROM users WHERE source = ${options.source}
    ORDER BY ${externalIdOrder('external_id')}`.execute(db);
  return {
    ids: r.rows.map((x) => x.id),
    ages: Float32Array.from(r.rows, (x) => num(x.age)),
    genders: r.rows.map((x) => x.gender),
    countries: r.rows.map((x) => x.country),
    signupDates: r.rows.map((x) => x.signup),
  };
}
