import { TunekitError } from '@tunekit/core';

/** Why an enrichment call failed. */
export type EnrichmentErrorCode =
  | 'INVALID_INPUT'
  | 'FILE_NOT_FOUND'
  | 'AUTH_FAILED'
  | 'HTTP_ERROR'
  | 'RETRIES_EXHAUSTED'
  | 'BAD_RESPONSE'
  | 'ABORTED';

/**
 * The typed error of `@tunekit/enrichment`; `context` carries the URL, status, file/line or
 * option key involved.
 *
 * @example
 * ```ts
 * throw new EnrichmentError('AUTH_FAILED', 'token request to http://127.0.0.1:9/api/token answered 401: check SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET', { context: { status: 401 } });
 * ```
 */
export class EnrichmentError extends TunekitError<EnrichmentErrorCode> {}
