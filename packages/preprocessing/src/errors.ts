import { TunekitError } from '@tunekit/core';

/**
 * Reasons a preprocessing call can fail.
 *
 * - `INVALID_SPEC` — a feature spec or fitted-state JSON is malformed (message names the path).
 * - `INVALID_ARGUMENT` — a function argument is out of range (fractions, seeds, sizes).
 * - `UNKNOWN_COLUMN` — a column named by the spec is absent from the input columns.
 * - `LENGTH_MISMATCH` — input columns have different lengths.
 * - `NON_NUMERIC` — a non-numeric value in a numeric column without a `coerce` step.
 * - `MISSING_VALUES` — missing values reach the output with no imputation step.
 * - `INVALID_VALUE` — a value outside a transform's domain (e.g. log1p of x ≤ −1, bad date).
 * - `MALFORMED_SPLIT_FILE` — a split file line is malformed or names an unknown split.
 * - `FILE_NOT_FOUND` — a split file cannot be read.
 */
export type PreprocessingErrorCode =
  | 'INVALID_SPEC'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_COLUMN'
  | 'LENGTH_MISMATCH'
  | 'NON_NUMERIC'
  | 'MISSING_VALUES'
  | 'INVALID_VALUE'
  | 'MALFORMED_SPLIT_FILE'
  | 'FILE_NOT_FOUND';

/**
 * The typed error of `@tunekit/preprocessing`; branch on `code`, read `context` for the column,
 * row, path or line that caused it.
 *
 * @example
 * ```ts
 * try { fitted.transform(columns); }
 * catch (e) { if (e instanceof PreprocessingError && e.code === 'UNKNOWN_COLUMN') console.error(e.context.column); }
 * ```
 */
export class PreprocessingError extends TunekitError<PreprocessingErrorCode> {}
