import { PreprocessingError } from './errors';

// Small hand validators: every failure names the spec path and says what was expected.

export function fail(path: string, message: string, extra: Record<string, unknown> = {}): never {
  throw new PreprocessingError('INVALID_SPEC', `${path}: ${message}`, { context: { path, ...extra } });
}

export function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `expected an object, got ${describe(value)}.`);
  return value as Record<string, unknown>;
}

export function expectKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, `unknown key; allowed keys here are ${allowed.join(', ')}.`, { key });
  }
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, `expected a non-empty string, got ${describe(value)}.`);
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : expectString(value, path);
}

export function optionalInt(value: unknown, path: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(path, `expected an integer ≥ ${min}, got ${describe(value)}.`);
  return value;
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(path, `expected true or false, got ${describe(value)}.`);
  return value;
}

export function expectOneOf<T extends string>(value: unknown, options: readonly T[], path: string): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    fail(path, `expected one of ${options.map((o) => `'${o}'`).join(', ')}, got ${describe(value)}.`);
  }
  return value as T;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `expected an array, got ${describe(value)}.`);
  return value;
}

export function expectFinite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `expected a finite number, got ${describe(value)}.`);
  return value;
}

/**
 * Reads a finite, strictly positive number (a scale such as a standard deviation).
 *
 * @param value - the JSON value
 * @param path - where it is, for the message (e.g. `state.target.std`)
 * @returns the number
 * @throws PreprocessingError `INVALID_SPEC` naming the path when it is not a number > 0
 */
export function expectPositive(value: unknown, path: string): number {
  const v = expectFinite(value, path);
  if (!(v > 0)) fail(path, `expected a number > 0 (it divides), got ${v}.`);
  return v;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
