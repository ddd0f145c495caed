import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';

/** One (user, track) co-listening row: an internal user id and an internal track id. */
export interface UserTrackRow {
  user_id: number;
  track_id: number;
}

/**
 * Tracks of a catalogue co-listened through artist plays of another dataset: the user–artist plays
 * of `artistSource` joined to `catalogueSource` tracks (any credited artist) by case-insensitive,
 * trimmed artist name (e.g. Last.fm plays onto Spotify tracks). The name match runs in memory over
 * the two artist lists, which is far faster than a SQL join on lower(name) without an index.
 *
 * @param db - open database
 * @param options.artistSource - artists.source of the played artists (e.g. `lastfm-2k`)
 * @param options.catalogueSource - tracks.source of the catalogue (e.g. `spotify`)
 * @returns one row per (play, matching catalogue track), sorted by user then track
 * @example
 * ```ts
 * const rows = await getTracksOfArtistPlaysByName(db, { artistSource: 'lastfm-2k', catalogueSource: 'spotify' });
 * ```
 */
export async function getTracksOfArtistPlaysByName(db: Kysely<TunekitDatabase>, options: { artistSource: string; catalogueSource: string }): Promise<UserTrackRow[]> {
  const { artistSource, catalogueSource } = options;
  const norm = (s: string): string => s.trim().toLowerCase();
  const catalogueArtists = await db.selectFrom('artists').select(['id', 'name']).where('source', '=', catalogueSource).execute();
  const byName = new Map<string, number[]>();
  for (const a of catalogueArtists) {
    const key = norm(a.name);
    if (key === '') continue;
    const list = byName.get(key);
    if (list) list.push(a.id);
    else byName.set(key, [a.id]);
  }
  const playArtists = await db.selectFrom('artists').select(['id', 'name']).where('source', '=', artistSource).execute();
  const matched = new Map<number, number[]>();
  for (const a of playArtists) {
    const ids = byName.get(norm(a.name));
    if (ids) matched.set(a.id, ids);
  }
  if (matched.size === 0) return [];
  const tracksByArtist = new Map<number, number[]>();
  const credits = await db
    .selectFrom('track_artists as ta')
    .innerJoin('tracks as t', 't.id', 'ta.track_id')
    .select(['ta.artist_id', 'ta.track_id'])
    .where('t.source', '=', catalogueSource)
    .execute();
  for (const c of credits) {
    const list = tracksByArtist.get(c.artist_id);
    if (list) list.push(c.track_id);
    else tracksByArtist.set(c.artist_id, [c.track_id]);
  }
  const out: UserTrackRow[] = [];
  const ids = [...matched.keys()];
  for (let i = 0; i < ids.length; i += 5000) {
    const plays = await db.selectFrom('artist_plays').select(['user_id', 'artist_id']).where('artist_id', 'in', ids.slice(i, i + 5000)).execute();
    for (const p of plays) for (const ca of matched.get(p.artist_id) ?? []) for (const t of tracksByArtist.get(ca) ?? []) out.push({ user_id: p.user_id, track_id: t });
  }
  return out.sort((a, b) => a.user_id - b.user_id || a.track_id - b.track_id);
}
