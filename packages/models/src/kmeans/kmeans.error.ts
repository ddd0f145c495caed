import { TunekitError } from '@tunekit/core';

/** Why a k-means / KNN call failed. */
export type ClusteringErrorCode = 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH' | 'INVALID_MODEL';

/**
 * The typed error of the clustering code (k-means, scaler, KNN).
 *
 * @example
 * ```ts
 * throw new ClusteringError('INVALID_ARGUMENT', 'k must be an integer >= 1, got 0', { context: { key: 'k' } });
 * ```
 */
export class ClusteringError extends TunekitError<ClusteringErrorCode> {}
