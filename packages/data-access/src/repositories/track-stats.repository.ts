import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';
import type { TrackStatsRow } from './tracks.repository';

/**
 * One track's statistics by id (the listens model's inputs), or undefined when there is no such track.
 * @param db - open database
 * @param id - tracks.id
 * @example
 * ```ts
 * const row = await findTrackStats(db, 123);
 * if (!row) console.error('no track 123');
 * ```
 */
export async function findTrackStats(db: Kysely<TunekitDatabase>, id: number): Promise<TrackStatsRow | undefined> {
  return db
    .selectFrom('tracks')
    .select(['id', 'external_id', 'duration_s', 'track_number', 'disc_number', 'favorites', 'interest', 'comments', 'date_created', 'year_created', 'listens'])
    .where('id', '=', id)
    .executeTakeFirst();
}
