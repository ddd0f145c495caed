import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

/**
 * Directory (with a trailing separator) holding the `.wasm` binaries of
 * `@tensorflow/tfjs-backend-wasm`, resolved from this module so it works from source (vitest, tsx)
 * and from the built ESM and CJS bundles alike.
 *
 * @returns absolute path such as `/repo/node_modules/@tensorflow/tfjs-backend-wasm/dist/`
 * @throws Error (Node's `MODULE_NOT_FOUND`) when the wasm backend package is not installed
 * @example
 * ```ts
 * setWasmPaths(wasmBinaryDirectory());
 * ```
 */
export function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(pkg), 'dist') + sep;
}
