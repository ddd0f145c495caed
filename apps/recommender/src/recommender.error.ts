import { TunekitError } from '@tunekit/core';

/**
 * Why a recommender request or start-up failed. Each code maps onto one HTTP status
 * (see {@link HTTP_STATUS_OF}) so the API and the CLI report the same thing.
 */
export type RecommenderErrorCode =
  /** A request field is wrong: `context.field` names it (`body.features.gender=x`). */
  | 'BAD_REQUEST'
  /** An id the loaded model (or the database) does not know: `context.id`. */
  | 'NOT_FOUND'
  /** The id exists but lacks a value the model needs: `context.field`. */
  | 'UNPROCESSABLE'
  /** The endpoint's model is not configured, not trained or still loading: `context.command` says what to run. */
  | 'MODEL_UNAVAILABLE'
  /** The database could not be opened or queried. */
  | 'DATABASE_UNAVAILABLE';

/** The HTTP status each {@link RecommenderErrorCode} answers with. */
export const HTTP_STATUS_OF: Readonly<Record<RecommenderErrorCode, number>> = Object.freeze({
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  UNPROCESSABLE: 422,
  MODEL_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
});

/**
 * The typed error of the recommender app. `context` carries `field`, `id` or `command`.
 * @example
 * ```ts
 * throw new RecommenderError('NOT_FOUND', 'user "42" is not in the model', { context: { id: '42' } });
 * ```
 */
export class RecommenderError extends TunekitError<RecommenderErrorCode> {}
