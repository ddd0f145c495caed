/**
 * Identifiers and row types shared by every tunekit package. Ids are plain integers in the
 * database (`bigint`-free: every dataset fits in 2^53); string keys from sources (Spotify track
 * ids, Last.fm user hashes) are kept in `external_id` columns and mapped to integers on import.
 */

/** Integer id of a track. */
export type TrackId = number;
/** Integer id of an artist. */
export type ArtistId = number;
/** Integer id of an album. */
export type AlbumId = number;
/** Integer id of a user. */
export type UserId = number;
/** Integer id of a genre. */
export type GenreId = number;
/** Integer id of a tag. */
export type TagId = number;

/** What a recommender ranks: tracks or artists. The item kind is data, never a code branch. */
export type ItemKind = 'track' | 'artist';

/** Names of the audio features tunekit knows, in canonical order. */
export const AUDIO_FEATURE_NAMES = [
  'acousticness',
  'danceability',
  'energy',
  'instrumentalness',
  'liveness',
  'speechiness',
  'tempo',
  'valence',
  'loudness',
  'key',
  'mode',
  'time_signature',
] as const;

/** One of {@link AUDIO_FEATURE_NAMES}. */
export type AudioFeatureName = (typeof AUDIO_FEATURE_NAMES)[number];

/** Audio features of one track; any may be unknown. */
export type AudioFeatures = { [K in AudioFeatureName]?: number | null };

/** A track's statistics as the listens model reads them. */
export interface TrackStats {
  trackId: TrackId;
  durationS: number | null;
  trackNumber: number | null;
  discNumber: number | null;
  favorites: number | null;
  interest: number | null;
  comments: number | null;
  dateCreated: Date | null;
  yearCreated: number | null;
  listens: number | null;
}

/** A user–item interaction: a count of plays, or one timestamped play. */
export interface Interaction {
  userId: UserId;
  itemId: number;
  weight: number;
  timestamp?: Date | null;
}

/** Demographic profile of a user; every field may be unknown. */
export interface UserProfile {
  userId: UserId;
  age: number | null;
  gender: string | null;
  country: string | null;
  signupDate: Date | null;
}
