import { TunekitError } from '@tunekit/core';

/** Reasons a models call can fail. */
export type ModelsErrorCode =
  | 'SHAPE_MISMATCH'
  | 'INVALID_CONFIG'
  | 'INVALID_INPUT'
  | 'NOT_TRAINED'
  | 'ARTIFACT_NOT_FOUND'
  | 'ARTIFACT_CORRUPT'
  | 'SINGULAR_MATRIX'
  | 'NO_DATA';

/** The typed error of `@tunekit/models`; `context` names the shape, key, id or file involved. */
export class ModelsError extends TunekitError<ModelsErrorCode> {}
