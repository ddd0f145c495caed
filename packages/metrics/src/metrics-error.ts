import { TunekitError } from '@tunekit/core';

/**
 * Codes of {@link MetricsError}:
 * - `INVALID_ARGUMENT` — a bad k, level, rounds, threshold or option value;
 * - `SHAPE_MISMATCH` — arrays that must be parallel have different lengths, or offsets are broken;
 * - `EMPTY_INPUT` — a statistic is undefined on the input (no positives for AUC, no pairs, ...);
 * - `UNKNOWN_METRIC` — a metric spec such as `ndgc@10` that the parser does not know;
 * - `PARSE_ERROR` — a malformed qrels/run line (the context holds file and line);
 * - `UNSUPPORTED` — a metric that cannot be computed from what was given (e.g. full-ranking MRR
 *   from truncated lists).
 */
export type MetricsErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'EMPTY_INPUT'
  | 'UNKNOWN_METRIC'
  | 'PARSE_ERROR'
  | 'UNSUPPORTED';

/**
 * The typed error of `@tunekit/metrics`; branch on `code`, read `context` for where.
 *
 * @example
 * ```ts
 * try { parseMetricSpec('ndgc@10'); } catch (e) { if (e instanceof MetricsError) e.code; } // 'UNKNOWN_METRIC'
 * ```
 */
export class MetricsError extends TunekitError<MetricsErrorCode> {}

/** @internal Throws INVALID_ARGUMENT unless k is a positive integer. */
export function checkK(k: number, where: string): void {
  if (!Number.isInteger(k) || k <= 0) {
    throw new MetricsError('INVALID_ARGUMENT', `${where}: k must be a positive integer, got ${k}`, {
      context: { k },
    });
  }
}

/** @internal Throws SHAPE_MISMATCH unless the two lengths are equal. */
export function checkSameLength(a: number, b: number, where: string, names = 'inputs'): void {
  if (a !== b) {
    throw new MetricsError('SHAPE_MISMATCH', `${where}: ${names} must have the same length, got ${a} and ${b}`, {
      context: { lengths: [a, b] },
    });
  }
}
