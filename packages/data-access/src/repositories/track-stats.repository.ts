import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';

/** The statistics of a track the listens model reads (FMA-style). */
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

const COLUMNS = ['id', 'external_id', 'duration_s', 'track_number', 'disc_number', 'favorites', 'interest', 'comments', 'date_created', 'year_created', 'listens'] as const;

/**
 * Track statistics of one source, ordered by id.
 * @param db - open database
 * @param source - `tracks.source` (`fma`, `synthetic`, ...)
 * @param options.requireListens - only tracks whose listens count is known
 * @example
 * ```ts
 * const rows = await readTrackStats(db, 'fma', { requireListens: true });
 * ```
 */
export async function readTrackStats(db: Kysely<TunekitDatabase>, source: string, options: { requireListens?: boolean } = {}): Promise<TrackStatsRow[]> {
  let q = db.selectFrom('tracks').select(COLUMNS).where('source', '=', source).orderBy('id');
  if (options.requireListens) q = q.where('listens', 'is not', null);
  return q.execute();
}

/**
 * One track's statistics by id, or undefined when there is no such track.
 * @example
 * ```ts
 * const row = await findTrackStats(db, 123);
 * ```
 */
export async function findTrackStats(db: Kysely<TunekitDatabase>, id: number): Promise<TrackStatsRow | undefined> {
  return db.selectFrom('tracks').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}
