/**
 * Base of every tunekit package's typed error. Each package defines one subclass with its own
 * union of codes (`MetricsError`, `DataAccessError`, ...), so callers can branch on `code`
 * without parsing messages.
 *
 * @example
 * ```ts
 * type MyCode = 'BAD_INPUT' | 'NOT_FOUND';
 * class MyError extends TunekitError<MyCode> {}
 * throw new MyError('BAD_INPUT', 'k must be a positive integer, got -1', { context: { k: -1 } });
 * ```
 */
export class TunekitError<Code extends string = string> extends Error {
  /** Machine-readable reason; each package documents its codes. */
  readonly code: Code;
  /** Where and what: file, line, column, config key, id — whatever locates the problem. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: Code,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

/** Errors raised by `@tunekit/core` itself (RNG arguments and the like). */
export type CoreErrorCode = 'INVALID_ARGUMENT';

/** The typed error of `@tunekit/core`. */
export class CoreError extends TunekitError<CoreErrorCode> {}

/** True when `err` is a tunekit error, optionally with one of the given codes. */
export function isTunekitError(err: unknown, ...codes: string[]): err is TunekitError {
  return err instanceof TunekitError && (codes.length === 0 || codes.includes(err.code));
}
