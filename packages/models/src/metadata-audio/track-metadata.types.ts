/**
 * What the metadata → audio model reads about one track: the fields a metadata provider
 * (Spotify Web API, the enrichment job) returns. Everything but `id` and `artists` may be missing.
 */
export interface TrackMetadata {
  /** Stable track key (e.g. a Spotify track id); used for the lookup fast path. */
  id: string;
  /** Artist names or ids, main artist first. */
  artists: string[];
  /** Spotify popularity 0–100. */
  popularity?: number | null;
  /** Duration in milliseconds. */
  durationMs?: number | null;
  explicit?: boolean | null;
  /** Release year (e.g. from `release_date`). */
  releaseYear?: number | null;
  /** Genres / tags of the track or of its artists. */
  genres?: string[];
  /** Related artists from a provider (names or ids in the same key space as `artists`). */
  relatedArtists?: string[];
  name?: string | null;
  album?: string | null;
}

/** A track with its true audio features (training / lookup rows), by target name. */
export interface LabelledTrack extends TrackMetadata {
  audio: Record<string, number>;
}

/** A stored track as the database returns it (structurally `TrackMetadataRow` of @tunekit/data-access). */
export interface StoredTrackMetadata {
  external_id: string;
  title: string | null;
  popularity: number | null;
  duration_s: number | null;
  explicit: boolean | null;
  release_year: number | null;
  artists: string[];
  genres: string[];
  audio: Record<string, number | null>;
  /** Payload of a metadata enrichment: `artistGenres`, `relatedArtists`, `releaseYear` are merged in. */
  enrichment: Record<string, unknown> | null;
}

/**
 * A stored track as a {@link LabelledTrack}: enrichment genres join the track's genres, enrichment
 * related artists and release year fill what the catalogue lacks; unknown audio values are NaN.
 */
export function toLabelledTrack(row: StoredTrackMetadata): LabelledTrack {
  const p = row.enrichment;
  const strs = (k: string): string[] => (p && Array.isArray(p[k]) ? (p[k] as unknown[]).filter((s): s is string => typeof s === 'string') : []);
  return {
    id: row.external_id,
    artists: row.artists,
    name: row.title,
    popularity: row.popularity === null ? null : Number(row.popularity),
    durationMs: row.duration_s === null ? null : Number(row.duration_s) * 1000,
    explicit: row.explicit,
    releaseYear: row.release_year ?? (typeof p?.['releaseYear'] === 'number' ? (p['releaseYear'] as number) : null),
    genres: [...new Set([...row.genres, ...strs('artistGenres')])],
    relatedArtists: strs('relatedArtists'),
    audio: Object.fromEntries(Object.entries(row.audio).map(([k, v]) => [k, v === null ? Number.NaN : v])),
  };
}
