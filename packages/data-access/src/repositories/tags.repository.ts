import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';

/** How often a tag was applied to an artist. */
export interface ArtistTagRow {
  artistId: number;
  tagId: number;
  tag: string;
  /** Number of assignments (users × days). */
  count: number;
}

/**
 * Tags per artist with their assignment counts, ordered by artist then count (desc) then tag id.
 *
 * @param db - open database
 * @param options.source - tags' source (e.g. `lastfm-2k`)
 * @param options.minCount - drop pairs applied fewer times (default 1)
 * @returns one row per (artist, tag)
 * @example
 * ```ts
 * const tags = await getArtistTags(db, { source: 'lastfm-2k', minCount: 2 });
 * ```
 */
export async function getArtistTags(db: Kysely<TunekitDatabase>, options: { source?: string; minCount?: number } = {}): Promise<ArtistTagRow[]> {
  let q = db
    .selectFrom('tag_assignments as ta')
    .innerJoin('tags as t', 't.id', 'ta.tag_id')
    .where('ta.artist_id', 'is not', null)
    .select(['ta.artist_id', 'ta.tag_id', 't.name', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['ta.artist_id', 'ta.tag_id', 't.name'])
    .having((eb) => eb.fn.countAll(), '>=', options.minCount ?? 1)
    .orderBy('ta.artist_id')
    .orderBy('n', 'desc')
    .orderBy('ta.tag_id');
  if (options.source !== undefined) q = q.where('t.source', '=', options.source);
  const rows = await q.execute();
  return rows.map((r) => ({ artistId: r.artist_id as number, tagId: r.tag_id, tag: r.name, count: Number(r.n) }));
}
