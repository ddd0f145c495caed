import { resolveObjectURL } from 'node:buffer';
import { createRequire } from 'node:module';
import { Worker as NodeWorker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

/*
 * Multi-threaded tfjs-backend-wasm in Node. The package ships a threaded SIMD build (XNNPACK over
 * a pthreadpool of Emscripten web workers) but never selects it in Node, and it cannot start there
 * as shipped, for three reasons this module works around (all measured with 4.22.0, Node 20):
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false under Node → initRuntime sets it.
 * 2. Emscripten starts each pthread worker with `new Worker(blobUrl)` and, in Node, first assigns
 *    `global.Worker = worker_threads.Worker`, which rejects `blob:` URLs. The worker script then
 *    loads the main script from a second Blob through `importScripts` (a `readFileSync` in Node),
 *    and that script is `factory.toString()` of a bundled function whose free variables (`fs`,
 *    `path`, `os` as `require$$N`, tslib helpers, `commonjsGlobal`) exist only in the bundle.
 *    While the backend initialises, `globalThis.Worker` is an accessor returning
 *    {@link NodeWebWorker} (and ignoring Emscripten's assignment): it resolves the blob URL with
 *    `node:buffer`'s `resolveObjectURL`, posts the Blob to a small bootstrap, which evaluates it
 *    with those free variables defined, holds back incoming messages until the main-script Blob
 *    has been read, and serves it to `importScripts`.
 * 3. The C++ side sizes its pool as `min(requested, emscripten_num_logical_cores() / 2)` — one
 *    thread on a 2-core machine, whatever is requested — and reads the core count from
 *    `os.cpus().length` during module start-up, so `os.cpus` reports `2 × threads` entries for
 *    exactly that moment.
 *
 * Workers are unref'd once the backend is up, so they never keep a finished process alive.
 */

const BOOTSTRAP = `
const nodeRequire = require;
const wt = nodeRequire('node:worker_threads');
const realPort = wt.parentPort;
let deliver = null;
const port = {
  on(event, fn) { if (event === 'message') deliver = fn; else realPort.on(event, fn); return port; },
  postMessage(message, transfer) { realPort.postMessage(message, transfer); },
};
const workerThreads = Object.assign({}, wt, { parentPort: port });
const MAIN = 'tunekit:wasm-main-script';
let mainScript = '';
Object.assign(globalThis, {
  require: (id) => (id === 'worker_threads' || id === 'node:worker_threads' ? workerThreads : nodeRequire(id)),
  __filename: 'tfjs-backend-wasm-threaded-simd.worker.js',
  __dirname: '.',
  commonjsGlobal: globalThis,
  require$$0: nodeRequire('fs'),
  require$$1: nodeRequire('path'),
  require$$3: nodeRequire('perf_hooks'),
  require$$4: nodeRequire('os'),
  __values(o) {
    const m = typeof Symbol === 'function' && o[Symbol.iterator];
    if (m) return m.call(o);
    let i = 0;
    return { next: () => ({ value: o && o[i++], done: !o || i > o.length }) };
  },
  __read(o, n) {
    const it = o[Symbol.iterator]();
    const out = [];
    for (let r; (n === undefined || n-- > 0) && !(r = it.next()).done; ) out.push(r.value);
    return out;
  },
  __spreadArray(to, from) { return to.concat(Array.prototype.slice.call(from)); },
});
const queue = [];
let ready = false;
let busy = false;
async function pump() {
  if (!ready || busy) return;
  busy = true;
  while (queue.length > 0) {
    const m = queue.shift();
    if (m && m.cmd === 'load' && m.urlOrBlob && typeof m.urlOrBlob !== 'string') {
      mainScript = await m.urlOrBlob.text();
      m.urlOrBlob = MAIN;
    }
    deliver(m);
  }
  busy = false;
}
realPort.on('message', (m) => { queue.push(m); void pump(); });
void (async () => {
  (0, eval)(await wt.workerData.blob.text());
  const importScripts = globalThis.importScripts;
  globalThis.importScripts = (f) => (f === MAIN ? (0, eval)(mainScript) : importScripts(f));
  ready = true;
  await pump();
})();
`;

const workers: NodeWorker[] = [];

/**
 * A Web-Worker-shaped `worker_threads.Worker` that accepts the `blob:` URLs Emscripten creates.
 * Any other URL or path is passed to `worker_threads.Worker` unchanged.
 */
class NodeWebWorker extends NodeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    const href = String(url);
    const blob = href.startsWith('blob:') ? resolveObjectURL(href) : undefined;
    if (!blob) {
      super(url, options);
      return;
    }
    super(BOOTSTRAP, { eval: true, workerData: { blob } });
    workers.push(this);
  }
}

/** The `os` module object the wasm bundle reads its core count from (`require('os')`). */
const os = createRequire(import.meta.url)('node:os') as { cpus: () => unknown[] };

/**
 * Runs `start` (which must initialise the threaded wasm backend) with the Node shims above in
 * place, then removes them and unrefs the pool workers.
 *
 * @param threads - pool size the C++ side should accept (1–8)
 * @param start - initialises the backend, e.g. `() => tf.setBackend('wasm')`
 * @returns what `start` resolves to
 */
export async function withWasmThreadShims<T>(threads: number, start: () => Promise<T>): Promise<T> {
  workers.length = 0;
  const previousWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  const cpus = os.cpus;
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => NodeWebWorker, set: () => undefined });
  os.cpus = () => {
    const list = cpus.call(os);
    const first = list[0];
    return Array.from({ length: 2 * threads }, (_, i) => list[i] ?? first);
  };
  try {
    return await start();
  } finally {
    os.cpus = cpus;
    if (previousWorker) Object.defineProperty(globalThis, 'Worker', previousWorker);
    else delete (globalThis as { Worker?: unknown }).Worker;
    // After start-up (Emscripten has attached its listeners, which ref a worker's port).
    for (const w of workers) w.unref();
  }
}
