/**
 * `@tunekit/data-access`: one music database (FMA, Spotify, Last.fm) on embedded PGlite or a
 * PostgreSQL server via Kysely — schema, migrations, repositories returning rows or columnar typed
 * arrays, streaming idempotent importers, a checksum-verified downloader.
 */
export { openDatabase, migrateToLatest, parseDatabaseUrl, resolveDatabaseUrl, redact, DEFAULT_DATABASE_URL } from './database';
export type { TunekitDb, DatabaseTarget } from './database';
export { DataAccessError } from './errors';
export type { DataAccessErrorCode } from './errors';
export type * from './schema/database';

export { readDelimited } from './csv/csv-reader';
export type { DelimitedReadOptions, DelimitedRecord } from './csv/csv-reader';
export { parsePythonLiteral } from './csv/python-literal';
export type { PythonValue } from './csv/python-literal';

export { sha256File } from './importers/import-context';
export type { ImportOptions, ImportResult, ImportRowError, OnRowError } from './importers/import-context';
export { importFma, importFmaGenres, importFmaAlbums, importFmaTracks, importFmaEchonestFeatures, importFmaTrackGenres } from './importers/fma.importer';
export type { FmaImportOptions } from './importers/fma.importer';
export { importSpotifyTracks } from './importers/spotify.importer';
export { importLastfm2k } from './importers/lastfm-2k.importer';
export type { Lastfm2kImportOptions } from './importers/lastfm-2k.importer';
export { importLastfm360k, lastfm360kArtistKey } from './importers/lastfm-360k.importer';
export type { Lastfm360kImportOptions } from './importers/lastfm-360k.importer';
export { readInteractionsTsv } from './importers/interactions-tsv.reader';
export type { InteractionColumns, InteractionsTsvResult } from './importers/interactions-tsv.reader';
export { importInteractionSplit } from './importers/interaction-split.importer';
export type { InteractionSplitImportOptions, InteractionSplitImportResult } from './importers/interaction-split.importer';

export { downloadDataset } from './download/dataset-download';
export type { DownloadSpec, DownloadResult } from './download/dataset-download';

export { getTrackStats, getTrackGenres, getGenres } from './repositories/tracks.repository';
export { findTrackStats } from './repositories/track-stats.repository';
export type { TrackStatsRow, TrackGenreColumns } from './repositories/tracks.repository';
export { getAudioFeatureMatrix } from './repositories/audio-features.repository';
export type { AudioFeatureMatrix } from './repositories/audio-features.repository';
export { getArtistPlays, getTrackPlays, insertTrackPlays } from './repositories/plays.repository';
export { getUserProfiles, getFriendships } from './repositories/users.repository';
export { getArtistTags } from './repositories/tags.repository';
export type { ArtistTagRow } from './repositories/tags.repository';
export { getIdMap } from './repositories/lookups.repository';
export type { ExternalIdTable } from './repositories/lookups.repository';
export { upsertItemEmbeddings, readItemEmbeddings } from './repositories/embeddings.repository';
export type { ItemEmbeddings } from './repositories/embeddings.repository';
export {
  createModelRun,
  finishModelRun,
  getModelRun,
  listModelRuns,
  insertRunMetrics,
  getRunMetrics,
  insertEvaluationResults,
  getEvaluationResults,
} from './repositories/runs.repository';
export type { RunMetric, EvaluationResult } from './repositories/runs.repository';
export { readInBatches, streamPlays } from './repositories/batch-reader';
export type { BatchReadOptions, PlayBatch } from './repositories/batch-reader';
export { getInteractionSplit, getPlaysAsInteractions } from './repositories/interactions.repository';
export type { ExternalInteractions } from './repositories/interactions.repository';
export { getItemAttributes, getUserAttributes } from './repositories/attributes.repository';
export type { ItemAttributes, UserAttributes, GenreOrigin } from './repositories/attributes.repository';
export { getTagAssignments } from './repositories/tag-assignments.repository';
export type { TagAssignmentColumns } from './repositories/tag-assignments.repository';
export { getTracksWithMetadata } from './repositories/track-metadata.repository';
export type { TrackMetadataRow } from './repositories/track-metadata.repository';
export { getTracksOfArtistPlaysByName } from './repositories/name-matched-plays.repository';
export type { UserTrackRow } from './repositories/name-matched-plays.repository';
