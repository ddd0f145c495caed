import { TunekitError } from '@tunekit/core';

/**
 * Codes of {@link RecommenderError}: `INVALID_ARGUMENT` (bad sizes, ids out of range, bad
 * hyper-parameters), `NOT_POSITIVE_DEFINITE` (a Cholesky pivot ≤ 0), `ARTIFACT_MISMATCH` (saved
 * files disagree with what loading expects), `UNKNOWN_USER` (no id and no features to serve from).
 */
export type RecommenderErrorCode = 'INVALID_ARGUMENT' | 'NOT_POSITIVE_DEFINITE' | 'ARTIFACT_MISMATCH' | 'UNKNOWN_USER';

/** The typed error of the recommender families (baselines and two-tower) in `@tunekit/models`. */
export class RecommenderError extends TunekitError<RecommenderErrorCode> {}
