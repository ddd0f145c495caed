import { TunekitError } from '@tunekit/core';

/**
 * Reasons a synthetic-data call can fail.
 *
 * - `INVALID_OPTION` — an option is out of range or of the wrong type (context names the key).
 * - `ALREADY_GENERATED` — the database already holds `source = 'synthetic'` rows; pass `replace: true`.
 * - `INSERT_FAILED` — a batch insert was rejected by the database (context names table and batch).
 * - `WRITE_FAILED` — the planted-truth JSON file could not be written (context names the path).
 */
export type SynthErrorCode = 'INVALID_OPTION' | 'ALREADY_GENERATED' | 'INSERT_FAILED' | 'WRITE_FAILED';

/**
 * The typed error of `@tunekit/synth`.
 *
 * @example
 * ```ts
 * try { await generateSynthetic(db, { tracks: -1 }); }
 * catch (e) { if (e instanceof SynthError && e.code === 'INVALID_OPTION') console.error(e.context['key']); }
 * ```
 */
export class SynthError extends TunekitError<SynthErrorCode> {}
