import type { Kysely } from 'kysely';
import type { InteractionColumns } from '../importers/interactions-tsv.reader';
import type { TunekitDatabase } from '../schema/database';

/**
 * User–artist plays of one source (by the users' source), as columnar arrays ordered by
 * (user, artist); weights are summed play counts.
 *
 * @param db - open database
 * @param options.source - users' source, e.g. `lastfm-2k`
 * @returns userIds int32 [n], itemIds int32 [n] (artist ids), weights float32 [n]
 * @example
 * ```ts
 * const plays = await getArtistPlays(db, { source: 'lastfm-2k' }); // 92,834 rows
 * ```
 */
export async function getArtistPlays(db: Kysely<TunekitDatabase>, options: { source?: string } = {}): Promise<InteractionColumns> {
  let q = db
    .selectFrom('artist_plays as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.user_id as u', 'p.artist_id as i', (eb) => eb.fn.sum<number>('p.play_count').as('w')])
    .groupBy(['p.user_id', 'p.artist_id'])
    .orderBy('p.user_id')
    .orderBy('p.artist_id');
  if (options.source !== undefined) q = q.where('u.source', '=', options.source);
  return toColumns(await q.execute());
}

/**
 * User–track plays (counts and timestamped events summed per pair), ordered by (user, track).
 *
 * @param db - open database
 * @param options.source - users' source
 * @returns userIds int32 [n], itemIds int32 [n] (track ids), weights float32 [n]
 * @example
 * ```ts
 * const plays = await getTrackPlays(db);
 * ```
 */
export async function getTrackPlays(db: Kysely<TunekitDatabase>, options: { source?: string } = {}): Promise<InteractionColumns> {
  let q = db
    .selectFrom('track_plays as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.user_id as u', 'p.track_id as i', (eb) => eb.fn.sum<number>('p.play_count').as('w')])
    .groupBy(['p.user_id', 'p.track_id'])
    .orderBy('p.user_id')
    .orderBy('p.track_id');
  if (options.source !== undefined) q = q.where('u.source', '=', options.source);
  return toColumns(await q.execute());
}

/**
 * Inserts user–track play counts (ON CONFLICT DO NOTHING on the natural key) in batches.
 *
 * @param db - open database
 * @param plays - userIds int32 [n], itemIds int32 [n] (track ids), weights float32 [n] (counts)
 * @returns rows inserted
 * @example
 * ```ts
 * await insertTrackPlays(db, { userIds: Int32Array.of(1), itemIds: Int32Array.of(7), weights: Float32Array.of(3) });
 * ```
 */
export async function insertTrackPlays(db: Kysely<TunekitDatabase>, plays: InteractionColumns): Promise<number> {
  let n = 0;
  for (let i = 0; i < plays.userIds.length; i += 5000) {
    const rows = [];
    for (let k = i; k < Math.min(plays.userIds.length, i + 5000); k++) {
      rows.push({ user_id: plays.userIds[k] as number, track_id: plays.itemIds[k] as number, play_count: Math.round(plays.weights[k] as number) });
    }
    const r = await db.insertInto('track_plays').values(rows).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    n += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return n;
}

function toColumns(rows: { u: number; i: number; w: number | string }[]): InteractionColumns {
  return {
    userIds: Int32Array.from(rows, (r) => r.u),
    itemIds: Int32Array.from(rows, (r) => r.i),
    weights: Float32Array.from(rows, (r) => Number(r.w)),
  };
}
