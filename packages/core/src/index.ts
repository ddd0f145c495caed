export { TunekitError, CoreError, isTunekitError } from './errors';
export type { CoreErrorCode } from './errors';
export { Rng, AliasSampler } from './rng';
export { AUDIO_FEATURE_NAMES } from './ids';
export type {
  TrackId,
  ArtistId,
  AlbumId,
  UserId,
  GenreId,
  TagId,
  ItemKind,
  AudioFeatureName,
  AudioFeatures,
  TrackStats,
  Interaction,
  UserProfile,
} from './ids';
