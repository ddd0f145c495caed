import { TunekitError } from '@tunekit/core';

/** Why a metadata → audio features call failed. */
export type MetadataAudioErrorCode = 'INVALID_INPUT' | 'INVALID_ARGUMENT' | 'INVALID_MODEL' | 'SHAPE_MISMATCH';

/**
 * The typed error of the metadata → audio features family. `INVALID_INPUT` errors carry
 * `context.field` (e.g. `tracks[3].popularity`) so an HTTP layer can answer 400 naming it.
 *
 * @example
 * ```ts
 * throw new MetadataAudioError('INVALID_INPUT', 'tracks[0].artists must be a non-empty array', { context: { field: 'tracks[0].artists', index: 0, key: 'artists' } });
 * ```
 */
export class MetadataAudioError extends TunekitError<MetadataAudioErrorCode> {}
