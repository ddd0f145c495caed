import { TunekitError } from '@tunekit/core';

/**
 * Codes of {@link RuntimeError}:
 * - `BACKEND_UNAVAILABLE` — a requested TensorFlow.js backend could not be loaded or initialised.
 * - `INVALID_ARGUMENT` — a shape, dtype, id or option is out of range.
 * - `IO_ERROR` — a model or weights file could not be read or written.
 * - `CORRUPT_ARTIFACT` — a `model.json` / `weights.bin` pair is malformed or truncated.
 * - `ARTIFACT_MISMATCH` — saved weights do not match the names or shapes the caller expects.
 * - `TENSOR_LEAK` — a step left tensors allocated (raised by {@link expectNoTensorLeak}).
 */
export type RuntimeErrorCode =
  | 'BACKEND_UNAVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'IO_ERROR'
  | 'CORRUPT_ARTIFACT'
  | 'ARTIFACT_MISMATCH'
  | 'TENSOR_LEAK';

/**
 * The typed error of `@tunekit/runtime`; branch on `code` ({@link RuntimeErrorCode}).
 *
 * @example
 * ```ts
 * try { await initRuntime({ backend: 'node' }); }
 * catch (e) { if (e instanceof RuntimeError && e.code === 'BACKEND_UNAVAILABLE') console.warn(e.message); }
 * ```
 */
export class RuntimeError extends TunekitError<RuntimeErrorCode> {}
