import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { paths: {} } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // createRequire(import.meta.url) locates the wasm binaries and the optional tfjs-node; the
  // shim gives the CJS bundle an import.meta.url.
  shims: true,
  external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tunekit/core'],
});
