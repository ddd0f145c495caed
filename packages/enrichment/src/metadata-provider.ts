/** One artist as a provider names it. */
export interface ProviderArtist {
  id: string;
  name: string;
}

/**
 * Metadata of one track as every provider returns it (the `payload` stored in
 * `enrichment_progress`). Artist genres and related artists are by artist name, the key space
 * the metadata → audio model uses.
 */
export interface EnrichedTrack {
  id: string;
  name: string | null;
  artists: ProviderArtist[];
  album: string | null;
  popularity: number | null;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the provider gives it. */
  releaseDate: string | null;
  releaseYear: number | null;
  durationMs: number | null;
  explicit: boolean | null;
  /** Union of the genres of the track's artists. */
  artistGenres: string[];
  /** Names of artists the provider relates to the track's main artist. */
  relatedArtists: string[];
}

/**
 * A metadata source the enrichment job can call. Implementations batch internally up to
 * `maxBatchSize`, retry transient failures themselves and throw `EnrichmentError` when a batch
 * cannot be fetched.
 */
export interface MetadataProvider {
  /** Key stored in `enrichment_progress.provider` (e.g. `spotify`). */
  readonly name: string;
  /** Most ids one {@link MetadataProvider.fetchTracks} call accepts. */
  readonly maxBatchSize: number;
  /**
   * Fetches metadata of a batch of provider track ids.
   * @returns per id: the metadata, or `null` when the provider does not know the id
   */
  fetchTracks(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, EnrichedTrack | null>>;
}
