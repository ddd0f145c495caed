import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';

/** One track's statistics as the listens model reads them. */
export interface TrackStatsRow {
  id: number;
  external_id: string;
  duration_s: number | null;
  track_number: number | null;
  disc_number: number | null;
  favorites: number | null;
  interest: number | null;
  comments: number | null;
  date_created: Date | null;
  year_created: number | null;
  listens: number | null;
}

/**
 * Tracks with their statistics (the listens model's input), ordered by id.
 *
 * @param db - open database
 * @param options.source - only tracks of this source (e.g. `fma`)
 * @param options.withListens - only tracks whose `listens` is known (default true)
 * @returns one row per track
 * @example
 * ```ts
 * const rows = await getTrackStats(db, { source: 'fma' }); // 2,000 rows for the FMA excerpt
 * ```
 */
export async function getTrackStats(db: Kysely<TunekitDatabase>, options: { source?: string; withListens?: boolean } = {}): Promise<TrackStatsRow[]> {
  let q = db
    .selectFrom('tracks')
    .select(['id', 'external_id', 'duration_s', 'track_number', 'disc_number', 'favorites', 'interest', 'comments', 'date_created', 'year_created', 'listens'])
    .orderBy('id');
  if (options.source !== undefined) q = q.where('source', '=', options.source);
  if (options.withListens !== false) q = q.where('listens', 'is not', null);
  return q.execute();
}

/** Genres of tracks, as parallel typed arrays. */
export interface TrackGenreColumns {
  /** int32 [n] */
  trackIds: Int32Array;
  /** int32 [n] */
  genreIds: Int32Array;
  /** uint8 [n] — 1 when the genre is the track's primary genre. */
  isPrimary: Uint8Array;
}

/**
 * Track–genre links, ordered by track then genre.
 *
 * @param db - open database
 * @param options.source - only tracks of this source
 * @returns columnar trackIds/genreIds/isPrimary
 * @example
 * ```ts
 * const { trackIds, genreIds } = await getTrackGenres(db, { source: 'spotify' });
 * ```
 */
export async function getTrackGenres(db: Kysely<TunekitDatabase>, options: { source?: string } = {}): Promise<TrackGenreColumns> {
  let q = db
    .selectFrom('track_genres as tg')
    .innerJoin('tracks as t', 't.id', 'tg.track_id')
    .select(['tg.track_id', 'tg.genre_id', 'tg.is_primary'])
    .orderBy('tg.track_id')
    .orderBy('tg.genre_id');
  if (options.source !== undefined) q = q.where('t.source', '=', options.source);
  const rows = await q.execute();
  return {
    trackIds: Int32Array.from(rows, (r) => r.track_id),
    genreIds: Int32Array.from(rows, (r) => r.genre_id),
    isPrimary: Uint8Array.from(rows, (r) => (r.is_primary ? 1 : 0)),
  };
}

/**
 * Genres of one source, with their hierarchy, ordered by id.
 *
 * @param db - open database
 * @param source - e.g. `fma` or `spotify`
 * @returns genre rows (id, external_id, title, parent_id, top_level_id, track_count)
 * @example
 * ```ts
 * const genres = await getGenres(db, 'fma'); // 163 (+ stubs for ids only seen in track files)
 * ```
 */
export async function getGenres(db: Kysely<TunekitDatabase>, source: string) {
  return db.selectFrom('genres').selectAll().where('source', '=', source).orderBy('id').execute();
}
