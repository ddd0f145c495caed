import { TunekitError } from '@tunekit/core';

/** Reasons a data-access call can fail. */
export type DataAccessErrorCode =
  | 'BAD_URL'
  | 'CONNECTION_FAILED'
  | 'MIGRATION_FAILED'
  | 'NOT_FOUND'
  | 'BAD_ROW'
  | 'FILE_NOT_FOUND'
  | 'CHECKSUM_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'IMPORT_ABORTED'
  | 'CONNECTION_LOST'
  | 'INVALID_ARGUMENT';

/** The typed error of `@tunekit/data-access`; `context` names the file/line/column/url/id. */
export class DataAccessError extends TunekitError<DataAccessErrorCode> {}
