import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';

/** The audio feature columns of `audio_features`, in schema order. */
const AUDIO_COLUMNS = ['acousticness', 'danceability', 'energy', 'instrumentalness', 'liveness', 'speechiness', 'tempo', 'valence', 'loudness', 'key', 'mode', 'time_signature'] as const;

/** One track with its metadata, artists, genres, audio features and enrichment payload. */
export interface TrackMetadataRow {
  id: number;
  external_id: string;
  title: string | null;
  popularity: number | null;
  duration_s: number | null;
  explicit: boolean | null;
  release_year: number | null;
  /** Artist names in credit order (main artist first). */
  artists: string[];
  /** Genre titles, primary first. */
  genres: string[];
  /** Audio features by column name (null when unknown). */
  audio: Record<(typeof AUDIO_COLUMNS)[number], number | null>;
  /** The `payload` of a `done` enrichment of this track by `enrichmentProvider`, if any. */
  enrichment: Record<string, unknown> | null;
}

/**
 * Tracks of one source that have audio features, with artists, genres and (optionally) the
 * payloads of a metadata enrichment, ordered by id — four queries, grouped in one pass.
 * @param db - open database
 * @param options.source - `tracks.source`
 * @param options.enrichmentProvider - `enrichment_progress.provider` whose payloads to attach
 * @example
 * ```ts
 * const rows = await getTracksWithMetadata(db, { source: 'spotify', enrichmentProvider: 'spotify' });
 * ```
 */
export async function getTracksWithMetadata(db: Kysely<TunekitDatabase>, options: { source: string; enrichmentProvider?: string }): Promise<TrackMetadataRow[]> {
  const { source } = options;
  const rows = await db
    .selectFrom('tracks as t')
    .innerJoin('audio_features as af', 'af.track_id', 't.id')
    .select(['t.id', 't.external_id', 't.title', 't.popularity', 't.duration_s', 't.explicit', 't.release_year', ...AUDIO_COLUMNS.map((c) => `af.${c}` as const)])
    .where('t.source', '=', source)
    .orderBy('t.id')
    .execute();
  if (rows.length === 0) return [];
  const artists = await db
    .selectFrom('track_artists as ta')
    .innerJoin('artists as a', 'a.id', 'ta.artist_id')
    .innerJoin('tracks as t', 't.id', 'ta.track_id')
    .select(['ta.track_id', 'a.name'])
    .where('t.source', '=', source)
    .orderBy('ta.track_id')
    .orderBy('ta.position')
    .execute();
  const genres = await db
    .selectFrom('track_genres as tg')
    .innerJoin('genres as g', 'g.id', 'tg.genre_id')
    .innerJoin('tracks as t', 't.id', 'tg.track_id')
    .select(['tg.track_id', 'g.title'])
    .where('t.source', '=', source)
    .orderBy('tg.track_id')
    .orderBy('tg.is_primary', 'desc')
    .execute();
  const enriched = options.enrichmentProvider
    ? await db.selectFrom('enrichment_progress').select(['track_id', 'payload']).where('provider', '=', options.enrichmentProvider).where('status', '=', 'done').execute()
    : [];
  const group = (xs: { track_id: number; value: string }[]): Map<number, string[]> => {
    const m = new Map<number, string[]>();
    for (const x of xs) {
      const list = m.get(x.track_id);
      if (list) list.push(x.value);
      else m.set(x.track_id, [x.value]);
    }
    return m;
  };
  const byArtist = group(artists.map((a) => ({ track_id: a.track_id, value: a.name })));
  const byGenre = group(genres.map((g) => ({ track_id: g.track_id, value: g.title })));
  const payloads = new Map(enriched.map((e) => [e.track_id, e.payload as Record<string, unknown> | null]));
  return rows.map((r) => ({
    id: r.id,
    external_id: r.external_id,
    title: r.title,
    popularity: r.popularity,
    duration_s: r.duration_s,
    explicit: r.explicit,
    release_year: r.release_year,
    artists: byArtist.get(r.id) ?? [],
    genres: byGenre.get(r.id) ?? [],
    audio: Object.fromEntries(AUDIO_COLUMNS.map((c) => [c, r[c] === null ? null : Number(r[c])])) as TrackMetadataRow['audio'],
    enrichment: payloads.get(r.id) ?? null,
  }));
}
