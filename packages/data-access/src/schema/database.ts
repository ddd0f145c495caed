import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';

/**
 * The tunekit music database: one schema that holds FMA, Spotify and Last.fm data without loss.
 *
 * Conventions
 * - Every catalogue entity has an integer surrogate `id` and a natural key `(source, external_id)`
 *   (e.g. `('fma', '2')`, `('spotify', '1JiR4RJaZlbZ5b3HG8jkeL')`, `('lastfm-2k', '51')`), unique,
 *   so imports are idempotent (`ON CONFLICT DO NOTHING` on the natural key).
 * - Columns a source does not have are NULL, never a sentinel.
 * - `bigint` columns are read as JS numbers (all counts fit in 2^53; the dialects parse int8 so).
 */

/** `timestamptz` read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** `date` read as a `YYYY-MM-DD` string. */
type DateOnly = ColumnType<string, Date | string, Date | string>;

/** Columns of the `artists` table (Kysely table interface). */
export interface ArtistTable {
  id: Generated<number>;
  source: string;
  external_id: string;
  name: string;
  url: string | null;
  /** Spotify-style popularity 0–100, when known. */
  popularity: number | null;
  /** Provider-specific extra fields that have no column (e.g. Last.fm picture URL, MusicBrainz id). */
  extra: JSONColumnType<Record<string, unknown>> | null;
}

/** Columns of the `albums` table (Kysely table interface). */
export interface AlbumTable {
  id: Generated<number>;
  source: string;
  external_id: string;
  title: string | null;
  artist_id: number | null;
  date_created: Timestamp | null;
  year_released: number | null;
  listens: number | null;
  favorites: number | null;
  comments: number | null;
  track_count: number | null;
  album_type: string | null;
  extra: JSONColumnType<Record<string, unknown>> | null;
}

/** Columns of the `tracks` table (Kysely table interface). */
export interface TrackTable {
  id: Generated<number>;
  source: string;
  external_id: string;
  title: string | null;
  /** First / main artist; all artists with their order are in `track_artists`. */
  artist_id: number | null;
  album_id: number | null;
  duration_s: number | null;
  track_number: number | null;
  disc_number: number | null;
  listens: number | null;
  favorites: number | null;
  interest: number | null;
  comments: number | null;
  date_created: Timestamp | null;
  /** Year the track was created / uploaded (FMA); kept when only a year is known. */
  year_created: number | null;
  release_year: number | null;
  release_date: DateOnly | null;
  explicit: boolean | null;
  /** Spotify popularity 0–100. */
  popularity: number | null;
  bit_rate: number | null;
  language: string | null;
  extra: JSONColumnType<Record<string, unknown>> | null;
}

/** Columns of the `track_artists` table (Kysely table interface). */
export interface TrackArtistTable {
  track_id: number;
  artist_id: number;
  position: number;
}

/** Columns of the `genres` table (Kysely table interface). */
export interface GenreTable {
  id: Generated<number>;
  source: string;
  external_id: string;
  title: string;
  parent_id: number | null;
  top_level_id: number | null;
  track_count: number | null;
}

/** Columns of the `track_genres` table (Kysely table interface). */
export interface TrackGenreTable {
  track_id: number;
  genre_id: number;
  /** The track's main genre (e.g. FMA `genre_top`, Spotify `track_genre` of the first row). */
  is_primary: Generated<boolean>;
}

/** Columns of the `artist_genres` table (Kysely table interface). */
export interface ArtistGenreTable {
  artist_id: number;
  genre_id: number;
}

/** Columns of the `tags` table (Kysely table interface). */
export interface TagTable {
  id: Generated<number>;
  source: string;
  external_id: string;
  name: string;
}

/** One tag applied to an artist or a track, by a user when known, on a day when known. */
export interface TagAssignmentTable {
  id: Generated<number>;
  tag_id: number;
  user_id: number | null;
  artist_id: number | null;
  track_id: number | null;
  tagged_on: DateOnly | null;
}

/** Columns of the `audio_features` table (Kysely table interface). */
export interface AudioFeaturesTable {
  track_id: number;
  source: string;
  acousticness: number | null;
  danceability: number | null;
  energy: number | null;
  instrumentalness: number | null;
  liveness: number | null;
  speechiness: number | null;
  tempo: number | null;
  valence: number | null;
  loudness: number | null;
  key: number | null;
  mode: number | null;
  time_signature: number | null;
}

/** Columns of the `users` table (Kysely table interface). */
export interface UserTable {
  id: Generated<number>;
  source: string;
  external_id: string;
  age: number | null;
  gender: string | null;
  country: string | null;
  signup_date: DateOnly | null;
}

/**
 * Plays at user–track grain: either an aggregated count (`played_at` NULL) or one timestamped
 * event (`play_count` 1). Unique on (user, track, played_at) with NULLS NOT DISTINCT.
 */
export interface TrackPlayTable {
  id: Generated<number>;
  user_id: number;
  track_id: number;
  play_count: Generated<number>;
  played_at: Timestamp | null;
}

/** Plays at user–artist grain (Last.fm hetrec and 360K), same conventions as track plays. */
export interface ArtistPlayTable {
  id: Generated<number>;
  user_id: number;
  artist_id: number;
  play_count: Generated<number>;
  played_at: Timestamp | null;
}

/** Columns of the `friendships` table (Kysely table interface). */
export interface FriendshipTable {
  user_id: number;
  friend_id: number;
}

/** Columns of the `playlists` table (Kysely table interface). */
export interface PlaylistTable {
  id: Generated<number>;
  source: string;
  external_id: string;
  name: string | null;
  user_id: number | null;
}

/** Columns of the `playlist_tracks` table (Kysely table interface). */
export interface PlaylistTrackTable {
  playlist_id: number;
  track_id: number;
  position: number;
}

/** One record per completed dataset file import, so re-running an import skips finished files. */
export interface DatasetImportTable {
  id: Generated<number>;
  dataset: string;
  file: string;
  checksum: string;
  rows_imported: number;
  rows_skipped: number;
  completed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/**
 * Membership of a user–item pair in a benchmark split (e.g. `lastfm-2k` / `train`), with its
 * weight and the 1-based line of the source file it came from (reads keep file order).
 * `item_id` is `artists.id` or `tracks.id` by `item_kind` (validated at import, no foreign key).
 */
export interface InteractionSplitTable {
  dataset: string;
  split: string;
  item_kind: 'artist' | 'track';
  user_id: number;
  item_id: number;
  weight: number;
  line: number;
}

/** One training run of a model (experiment tracking). */
export interface ModelRunTable {
  id: string;
  model_name: string;
  family: string;
  status: 'running' | 'completed' | 'failed';
  config: JSONColumnType<Record<string, unknown>>;
  metrics: JSONColumnType<Record<string, unknown>> | null;
  artifact_dir: string | null;
  data_hash: string | null;
  git_sha: string | null;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: Timestamp | null;
}

/** Per-epoch metrics of a run, one row per (run, epoch, metric). */
export interface RunMetricTable {
  run_id: string;
  epoch: number;
  name: string;
  value: number;
}

/** One metric value of one system in one evaluation. */
export interface EvaluationResultTable {
  id: Generated<number>;
  evaluation: string;
  run_id: string | null;
  system: string;
  metric: string;
  value: number;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Item embeddings of a model run, for serving and similarity search. */
export interface ItemEmbeddingTable {
  model_name: string;
  run_id: string;
  item_kind: string;
  item_id: number;
  vector: number[];
}

/** Progress of a resumable metadata-enrichment job, one row per (provider, track). */
export interface EnrichmentProgressTable {
  provider: string;
  track_id: number;
  status: 'pending' | 'done' | 'failed' | 'not_found';
  attempts: Generated<number>;
  last_error: string | null;
  payload: JSONColumnType<Record<string, unknown>> | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The whole database, as Kysely sees it. */
export interface TunekitDatabase {
  artists: ArtistTable;
  albums: AlbumTable;
  tracks: TrackTable;
  track_artists: TrackArtistTable;
  genres: GenreTable;
  track_genres: TrackGenreTable;
  artist_genres: ArtistGenreTable;
  tags: TagTable;
  tag_assignments: TagAssignmentTable;
  audio_features: AudioFeaturesTable;
  users: UserTable;
  track_plays: TrackPlayTable;
  artist_plays: ArtistPlayTable;
  friendships: FriendshipTable;
  playlists: PlaylistTable;
  playlist_tracks: PlaylistTrackTable;
  dataset_imports: DatasetImportTable;
  interaction_splits: InteractionSplitTable;
  model_runs: ModelRunTable;
  run_metrics: RunMetricTable;
  evaluation_results: EvaluationResultTable;
  item_embeddings: ItemEmbeddingTable;
  enrichment_progress: EnrichmentProgressTable;
}

/** A row read from the `artists` table. */
export type Artist = Selectable<ArtistTable>;
/** A row to insert into the `artists` table. */
export type NewArtist = Insertable<ArtistTable>;
/** A row read from the `albums` table. */
export type Album = Selectable<AlbumTable>;
/** A row to insert into the `albums` table. */
export type NewAlbum = Insertable<AlbumTable>;
/** A row read from the `tracks` table. */
export type Track = Selectable<TrackTable>;
/** A row to insert into the `tracks` table. */
export type NewTrack = Insertable<TrackTable>;
/** A partial update of a row of the `tracks` table. */
export type TrackUpdate = Updateable<TrackTable>;
/** A row read from the `genres` table. */
export type Genre = Selectable<GenreTable>;
/** A row to insert into the `genres` table. */
export type NewGenre = Insertable<GenreTable>;
/** A row read from the `tags` table. */
export type Tag = Selectable<TagTable>;
/** A row read from the `audio_features` table. */
export type AudioFeaturesRow = Selectable<AudioFeaturesTable>;
/** A row to insert into the `audio_features` table. */
export type NewAudioFeatures = Insertable<AudioFeaturesTable>;
/** A row read from the `users` table. */
export type User = Selectable<UserTable>;
/** A row to insert into the `users` table. */
export type NewUser = Insertable<UserTable>;
/** A row read from the `track_plays` table. */
export type TrackPlay = Selectable<TrackPlayTable>;
/** A row read from the `artist_plays` table. */
export type ArtistPlay = Selectable<ArtistPlayTable>;
/** A row read from the `interaction_splits` table. */
export type InteractionSplitRow = Selectable<InteractionSplitTable>;
/** A row read from the `model_runs` table. */
export type ModelRun = Selectable<ModelRunTable>;
/** A row to insert into the `model_runs` table. */
export type NewModelRun = Insertable<ModelRunTable>;
/** A row read from the `item_embeddings` table. */
export type ItemEmbedding = Selectable<ItemEmbeddingTable>;
