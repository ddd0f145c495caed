import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { registerRuntimeKernels } from '../kernels/register-kernels';
import { RuntimeError } from '../runtime.error';
import { wasmBinaryDirectory } from './wasm-paths';
import { withWasmThreadShims } from './wasm-threads';

/** What a caller may ask for: `auto` picks the fastest backend that loads. */
export type BackendRequest = 'auto' | 'node' | 'wasm' | 'cpu';

/** A concrete backend: `node` is `@tensorflow/tfjs-node` (tfjs backend name `tensorflow`). */
export type BackendKind = 'node' | 'wasm' | 'cpu';

/** Options of {@link initRuntime}. */
export interface RuntimeOptions {
  /** Backend to use; default `auto` (node → wasm → cpu). */
  backend?: BackendRequest;
  /** Where the one-line choice is reported; `false` silences it. Default `console.info`. */
  log?: ((message: string) => void) | false;
  /**
   * XNNPACK threads of the `wasm` backend (1–8). Default: the count of the live wasm backend,
   * else 1 (the single-threaded SIMD build).
   * Above 1 the threaded SIMD build runs on a pool of worker threads (see `wasm-threads.ts`);
   * results are bit-identical to 1 thread (XNNPACK splits output tiles, never a reduction), but
   * it only pays off on idle cores — on a shared machine a descheduled worker stalls every op.
   * Asking for a different count than the live wasm backend has re-creates that backend
   * (tensors held on it become invalid). Ignored by other backends.
   */
  threads?: number;
}

/** The result of {@link initRuntime}. */
export interface RuntimeInfo {
  /** The backend now active. */
  backend: BackendKind;
  /** Its tfjs name (`tensorflow`, `wasm`, `cpu`), as `tf.getBackend()` reports it. */
  tfBackend: string;
  /** Whether the wasm backend runs its SIMD build (false for other backends). */
  simd: boolean;
  /** Why each faster backend was skipped under `auto` (empty otherwise). */
  skipped: Readonly<Partial<Record<BackendKind, string>>>;
  /** Kernels this package registered for the backend (see `registerRuntimeKernels`). */
  kernels: readonly string[];
  /** XNNPACK threads of the wasm backend (1 for other backends). */
  threads: number;
}

const TF_NAME: Readonly<Record<BackendKind, string>> = Object.freeze({ node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' });
const AUTO_ORDER: readonly BackendKind[] = Object.freeze(['node', 'wasm', 'cpu']);
const logged = new Set<string>();
const kernelsByBackend = new Map<BackendKind, string[]>();
let wasmPathsSet = false;
/** Thread count of the live wasm backend instance, null before it exists. */
let wasmThreads: number | null = null;
let wasmFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | null = null;
const WASM_PRIORITY = 2;

function describe(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err);
}

async function loadNode(): Promise<void> {
  const require = createRequire(import.meta.url);
  try {
    require('@tensorflow/tfjs-node');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && /'@tensorflow\/tfjs-node'/.test(describe(err))) {
      throw new Error('@tensorflow/tfjs-node is not installed (it is an optional peer: `npm install @tensorflow/tfjs-node`)', { cause: err });
    }
    throw new Error(`@tensorflow/tfjs-node is installed but failed to load: ${describe(err)}`, { cause: err });
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error('@tensorflow/tfjs-node loaded but its "tensorflow" backend did not initialise');
}

async function loadWasm(threads: number): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmPathsSet) {
    wasm.setWasmPaths(wasmBinaryDirectory());
    wasmPathsSet = true;
  }
  wasmFactory ??= tf.findBackendFactory('wasm');
  if (wasmThreads !== null && wasmThreads !== threads) {
    // A wasm module is built single- or multi-threaded once: re-create the backend instance.
    tf.removeBackend('wasm');
    if (wasmFactory) tf.registerBackend('wasm', wasmFactory, WASM_PRIORITY);
    wasmThreads = null;
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  wasm.setThreadsCount(threads);
  const start = (): Promise<boolean> => tf.setBackend('wasm');
  const ok = threads > 1 ? await withWasmThreadShims(threads, start) : await start();
  if (!ok) throw new Error('the wasm backend failed to initialise (see the tfjs warning above)');
  const actual = wasm.getThreadsCount();
  wasmThreads = threads;
  if (actual !== threads) throw new Error(`the wasm backend started ${actual} thread(s) instead of ${threads}`);
}

async function loadCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
}

const LOADERS: Readonly<Record<BackendKind, (threads: number) => Promise<void>>> = Object.freeze({ node: loadNode, wasm: loadWasm, cpu: loadCpu });

async function activate(kind: BackendKind, threads: number): Promise<string[]> {
  const threadsChanged = kind === 'wasm' && wasmThreads !== null && wasmThreads !== threads;
  if (threadsChanged || tf.getBackend() !== TF_NAME[kind] || !tf.findBackend(TF_NAME[kind])) await LOADERS[kind](threads);
  await tf.ready();
  let kernels = kernelsByBackend.get(kind);
  if (!kernels) {
    kernels = registerRuntimeKernels(TF_NAME[kind]);
    kernelsByBackend.set(kind, kernels);
  }
  return kernels;
}

/**
 * Selects and initialises the TensorFlow.js backend for this process and registers the faster
 * and missing kernels. `auto` tries `@tensorflow/tfjs-node` (when installed and loadable), then
 * `wasm` (SIMD + XNNPACK, binaries loaded from the installed package), then `cpu`. The choice is
 * logged once per backend. Calling again switches the active backend (tfjs keeps one engine
 * per process; the gradient tests use this to compare backends).
 *
 * @param options - {@link RuntimeOptions}
 * @returns {@link RuntimeInfo}: the active backend, why faster ones were skipped, kernels added
 * @throws RuntimeError `BACKEND_UNAVAILABLE` when an explicitly requested backend cannot load
 *   (the message names the reason), `INVALID_ARGUMENT` for an unknown backend name or a thread
 *   count outside [1, 8]
 * @example
 * ```ts
 * const info = await initRuntime();          // "tunekit runtime: backend wasm (SIMD) ..."
 * await initRuntime({ backend: 'cpu', log: false });
 * await initRuntime({ backend: 'wasm', threads: 2 });   // threaded SIMD build, opt-in
 * ```
 */
export async function initRuntime(options: RuntimeOptions = {}): Promise<RuntimeInfo> {
  const request = options.backend ?? 'auto';
  if (request !== 'auto' && !(request in TF_NAME)) {
    throw new RuntimeError('INVALID_ARGUMENT', `Unknown backend "${String(request)}": use one of auto, node, wasm, cpu.`, {
      context: { backend: request },
    });
  }
  // Unset keeps the live wasm backend's count, so a plain initRuntime() elsewhere never tears down
  // a threaded backend (and its tensors).
  const threads = options.threads ?? wasmThreads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new RuntimeError('INVALID_ARGUMENT', `threads must be an integer in [1, 8] (the wasm build pre-creates 8 workers), got ${String(threads)}.`, {
      context: { threads },
    });
  }
  const candidates = request === 'auto' ? AUTO_ORDER : [request];
  const skipped: Partial<Record<BackendKind, string>> = {};
  for (const kind of candidates) {
    let kernels: string[];
    try {
      kernels = await activate(kind, threads);
    } catch (err) {
      skipped[kind] = describe(err);
      if (request !== 'auto') {
        throw new RuntimeError('BACKEND_UNAVAILABLE', `Backend "${kind}" cannot be used: ${skipped[kind]}. Use initRuntime({ backend: 'auto' }) to fall back to wasm or cpu.`, {
          cause: err,
          context: { backend: kind },
        });
      }
      continue;
    }
    const simd = kind === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const used = kind === 'wasm' ? (wasmThreads ?? 1) : 1;
    const info: RuntimeInfo = { backend: kind, tfBackend: TF_NAME[kind], simd, skipped, kernels, threads: used };
    const message =
      `tunekit runtime: backend ${kind}${simd ? ' (SIMD)' : ''}${used > 1 ? `, ${used} threads` : ''}` +
      Object.entries(skipped).map(([k, why]) => `; skipped ${k}: ${why}`).join('');
    const key = `${kind}/${used}`;
    if (options.log !== false && !logged.has(key)) {
      logged.add(key);
      (options.log ?? console.info)(message);
    }
    return info;
  }
  throw new RuntimeError('BACKEND_UNAVAILABLE', `No TensorFlow.js backend could be loaded: ${JSON.stringify(skipped)}`, { context: { skipped } });
}
