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
