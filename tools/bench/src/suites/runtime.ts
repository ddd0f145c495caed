/**
 * `npm run bench -- runtime [--backends wasm,wasm:2,cpu] [--epochs 2] [--rows 100000]
 *  [--interactions 204800] [--cpu-steps 12] [--torch-threads 1,2] [--no-torch] [--no-stock]
 *  [--no-profile]`
 *
 * Trains the same two models on the same data with tfjs (each requested backend; `wasm:2` is the
 * threaded wasm build with 2 XNNPACK threads; `stock` = the layers API / model.fit as a user would
 * write it, `tuned` = @tunekit/runtime's kernels, fused dense layers, SparseEmbedding, InPlaceAdam
 * and a hand-written step) and with PyTorch (Debian python3-torch through /usr/bin/python3, with
 * OpenMP/OpenBLAS/MKL pinned to 1 and to 2 threads), and prints seconds/epoch and the ratios:
 *   - ratio_vs_pytorch = tfjs wall seconds/epoch ÷ PyTorch's FASTEST wall seconds/epoch over its
 *     thread counts (and, for the two-tower, over dense Adam / SparseAdam);
 *   - cpu_ratio_vs_pytorch = tfjs process CPU seconds/epoch ÷ PyTorch 1-thread CPU seconds/epoch
 *     (the work each side burns; robust to other load, blind to a second core).
 * Writes artifacts/bench/runtime.json.
 *   - MLP 7→128→64→1 (Dense+ReLU → BatchNorm → Dropout 0.2), 100k rows, batch 256, Adam 1e-3, MSE.
 *   - Two-tower: id embeddings 10k users × 20k items, dim 64, each tower Dense(64, relu) →
 *     Dense(64) → L2-normalise; in-batch softmax (temperature 0.05), batch 1024, Adam 1e-3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { batchNormTraining, initRuntime, InPlaceAdam, l2Normalize, softmaxCrossEntropyWithLogits, SparseEmbedding, trainStep } from '@tunekit/runtime';
import type { BackendKind, BatchStats } from '@tunekit/runtime';
import { WORKSPACE_ROOT, writeBenchResult } from '../report';

const PYTHON = '/usr/bin/python3';
const MLP_FEATURES = 7;
const MLP_BATCH = 256;
const TT = Object.freeze({ users: 10_000, items: 20_000, dim: 64, batch: 1024, temperature: 0.05 });

/** One tfjs configuration of the run: a backend and, for wasm, its XNNPACK thread count. */
interface BackendSpec {
  kind: BackendKind;
  threads: number;
  /** Key in the JSON and the printout: `wasm`, `wasm-2threads`, `cpu`, `node`. */
  label: string;
}

interface Options {
  backends: BackendSpec[];
  torchThreads: number[];
  epochs: number;
  rows: number;
  interactions: number;
  cpuSteps: number;
  torch: boolean;
  stock: boolean;
  profile: boolean;
}

function parseArgs(args: string[]): Options {
  const o: Options = { backends: ['wasm', 'wasm:2', 'cpu'].map(parseBackend), torchThreads: [1, 2], epochs: 2, rows: 100_000, interactions: 200 * TT.batch, cpuSteps: 12, torch: true, stock: true, profile: true };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--backends') o.backends = next().split(',').map(parseBackend);
    else if (a === '--torch-threads') o.torchThreads = next().split(',').map(Number);
    else if (a === '--epochs') o.epochs = Number(next());
    else if (a === '--rows') o.rows = Number(next());
    else if (a === '--interactions') o.interactions = Number(next());
    else if (a === '--cpu-steps') o.cpuSteps = Number(next());
    else if (a === '--no-torch') o.torch = false;
    else if (a === '--no-stock') o.stock = false;
    else if (a === '--no-profile') o.profile = false;
    else throw new Error(`Unknown option ${a}. Options: --backends --torch-threads --epochs --rows --interactions --cpu-steps --no-torch --no-stock --no-profile`);
  }
  if (o.torchThreads.some((t) => !Number.isInteger(t) || t < 1)) throw new Error(`--torch-threads takes positive integers, got ${o.torchThreads.join(',')}`);
  return o;
}

/**
 * Parses one `--backends` entry.
 *
 * @param spec - `wasm`, `wasm:<threads>` (XNNPACK threads, e.g. `wasm:2`), `cpu` or `node`
 * @returns the backend, its thread count and its label in the JSON (`wasm-2threads`)
 * @throws Error naming the entry for an unknown backend or a thread count on a backend without one
 * @example
 * ```ts
 * parseBackend('wasm:2'); // { kind: 'wasm', threads: 2, label: 'wasm-2threads' }
 * ```
 */
export function parseBackend(spec: string): BackendSpec {
  const [kind, t] = spec.split(':');
  if (kind !== 'wasm' && kind !== 'cpu' && kind !== 'node') throw new Error(`--backends: unknown backend "${spec}" (use wasm, wasm:<threads>, cpu, node)`);
  const threads = t === undefined ? 1 : Number(t);
  if (!Number.isInteger(threads) || threads < 1 || (threads > 1 && kind !== 'wasm')) throw new Error(`--backends: "${spec}" — only wasm takes a thread count (1–8)`);
  return { kind, threads, label: threads > 1 ? `${kind}-${threads}threads` : kind };
}

// ---------------------------------------------------------------- data (seeded, shared with torch)

interface Data {
  mlpX: Float32Array;
  mlpY: Float32Array;
  users: Int32Array;
  items: Int32Array;
}

function makeData(o: Options): Data {
  const rng = new Rng(20_240_501);
  const mlpX = new Float32Array(o.rows * MLP_FEATURES);
  const mlpY = new Float32Array(o.rows);
  for (let r = 0; r < o.rows; r++) {
    const x = Array.from({ length: MLP_FEATURES }, () => rng.normal());
    x.forEach((v, j) => (mlpX[r * MLP_FEATURES + j] = v));
    const [a, b, c, d, e] = x as [number, number, number, number, number];
    mlpY[r] = Math.sin(a) + b * c + 0.5 * d - 0.3 * e * e + 0.1 * rng.normal();
  }
  // Planted taste: user u plays items of block u mod 50 (400 items per block).
  const users = new Int32Array(o.interactions);
  const items = new Int32Array(o.interactions);
  for (let i = 0; i < o.interactions; i++) {
    const u = rng.int(TT.users);
    users[i] = u;
    items[i] = ((u % 50) * 400 + rng.int(400)) % TT.items;
  }
  return { mlpX, mlpY, users, items };
}

function writeData(dir: string, d: Data, o: Options): void {
  const raw = (a: Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(join(dir, 'mlp_x.f32'), raw(d.mlpX));
  writeFileSync(join(dir, 'mlp_y.f32'), raw(d.mlpY));
  writeFileSync(join(dir, 'tt_users.i32'), raw(d.users));
  writeFileSync(join(dir, 'tt_items.i32'), raw(d.items));
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({ mlp: { rows: o.rows, features: MLP_FEATURES, batch: MLP_BATCH }, two_tower: { ...TT, interactions: o.interactions } }),
  );
}

// ---------------------------------------------------------------- helpers

/** xorshift32 dropout masks (0 or 1/(1-rate)); far cheaper per element than tf.dropout's RNG. */
class MaskSource {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  mask(size: number, rate: number): Float32Array {
    const out = new Float32Array(size);
    const keep = 1 / (1 - rate);
    const threshold = rate * 4294967296;
    let s = this.s;
    for (let i = 0; i < size; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = s >>> 0 < threshold ? 0 : keep;
    }
    this.s = s;
    return out;
  }
}

function glorot(rng: Rng, fanIn: number, fanOut: number, name: string): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = Float32Array.from({ length: fanIn * fanOut }, () => rng.uniform(-limit, limit));
  return tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true, name);
}

function filled(n: number, value: number, name: string): tf.Variable {
  return tf.variable(tf.fill([n], value), true, name);
}

/** Dense layer as one fused kernel: matMul + bias + activation (XNNPACK GEMM on wasm). */
function dense(x: tf.Tensor2D, w: tf.Variable, b: tf.Variable, activation: 'relu' | 'linear'): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: w as tf.Tensor2D, bias: b, activation }) as tf.Tensor2D;
}

let uid = 0;
const nm = (s: string): string => `bench_${++uid}_${s}`;

interface Timing {
  seconds_per_epoch: number;
  /** Process CPU seconds per epoch: robust on a shared machine, ≈ wall time when idle (1 thread). */
  cpu_seconds_per_epoch: number;
  final_loss: number;
  steps_timed: number;
  extrapolated: boolean;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
}

/** Runs `steps` steps of `step(i)` per epoch; `limit` caps the steps timed (then extrapolates). */
function timeEpochs(stepsPerEpoch: number, epochs: number, limit: number, step: (i: number) => number): Timing {
  // Warm-up: kernel setup, optimiser slots, XNNPACK caches (short when the timed run is capped).
  for (let i = 0; i < Math.min(limit === Infinity ? 10 : 1, stepsPerEpoch); i++) step(i);
  const timed = Math.min(stepsPerEpoch, limit);
  let best = Infinity;
  let bestCpu = Infinity;
  let loss = NaN;
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let sum = 0;
    for (let i = 0; i < timed; i++) sum += step(i);
    best = Math.min(best, (performance.now() - t0) / 1000);
    bestCpu = Math.min(bestCpu, cpuSeconds(c0));
    loss = sum / timed;
  }
  const scale = stepsPerEpoch / timed;
  return { seconds_per_epoch: best * scale, cpu_seconds_per_epoch: bestCpu * scale, final_loss: loss, steps_timed: timed, extrapolated: timed < stepsPerEpoch };
}

// ---------------------------------------------------------------- MLP

async function mlpStock(d: Data, o: Options, limit: number): Promise<Timing> {
  const rows = Math.min(o.rows, limit * MLP_BATCH);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [MLP_FEATURES], units: 128, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const x = tf.tensor2d(d.mlpX.subarray(0, rows * MLP_FEATURES), [rows, MLP_FEATURES]);
  const y = tf.tensor2d(d.mlpY.subarray(0, rows), [rows, 1]);
  const fit = async (): Promise<[number, number, number]> => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const h = await model.fit(x, y, { batchSize: MLP_BATCH, epochs: 1, shuffle: false, verbose: 0 });
    return [(performance.now() - t0) / 1000, cpuSeconds(c0), h.history['loss']?.[0] as number];
  };
  const warm = Math.min(rows, 2 * MLP_BATCH);
  await model.fit(x.slice(0, warm), y.slice(0, warm), { batchSize: MLP_BATCH, epochs: 1, shuffle: false, verbose: 0 });
  let best = Infinity;
  let bestCpu = Infinity;
  let loss = NaN;
  for (let e = 0; e < o.epochs; e++) {
    const [s, c, l] = await fit();
    best = Math.min(best, s);
    bestCpu = Math.min(bestCpu, c);
    loss = l;
  }
  tf.dispose([x, y]);
  model.dispose();
  return { seconds_per_epoch: (best * o.rows) / rows, cpu_seconds_per_epoch: (bestCpu * o.rows) / rows, final_loss: loss, steps_timed: Math.ceil(rows / MLP_BATCH), extrapolated: rows < o.rows };
}

interface Bn {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: Float32Array;
  movingVar: Float32Array;
  stats: BatchStats;
}

function bnForward(h: tf.Tensor2D, bn: Bn): tf.Tensor2D {
  const y = batchNormTraining(h, bn.gamma as tf.Tensor1D, bn.beta as tf.Tensor1D, 1e-3, bn.stats);
  // Moving statistics for inference (momentum 0.99 as Keras).
  for (let j = 0; j < bn.movingMean.length; j++) {
    bn.movingMean[j] = 0.99 * (bn.movingMean[j] as number) + 0.01 * (bn.stats.mean[j] as number);
    bn.movingVar[j] = 0.99 * (bn.movingVar[j] as number) + 0.01 * (bn.stats.variance[j] as number);
  }
  return y;
}

function mlpTuned(d: Data, o: Options, limit: number): { timing: Timing; step: (i: number) => number; dispose: () => void } {
  const rng = new Rng(7);
  const masks = new MaskSource(11);
  const w1 = glorot(rng, MLP_FEATURES, 128, nm('w1'));
  const b1 = filled(128, 0, nm('b1'));
  const w2 = glorot(rng, 128, 64, nm('w2'));
  const b2 = filled(64, 0, nm('b2'));
  const w3 = glorot(rng, 64, 1, nm('w3'));
  const b3 = filled(1, 0, nm('b3'));
  const bns: Bn[] = [128, 64].map((n) => ({ gamma: filled(n, 1, nm('gamma')), beta: filled(n, 0, nm('beta')), movingMean: new Float32Array(n), movingVar: new Float32Array(n).fill(1), stats: { mean: new Float32Array(n), variance: new Float32Array(n) } }));
  const vars = [w1, b1, w2, b2, w3, b3, ...bns.flatMap((b) => [b.gamma, b.beta])];
  const opt = new InPlaceAdam({ learningRate: 1e-3 });
  const steps = Math.ceil(o.rows / MLP_BATCH);
  const step = (i: number): number => {
    const start = i * MLP_BATCH;
    const n = Math.min(MLP_BATCH, o.rows - start);
    const m1 = masks.mask(n * 128, 0.2);
    const m2 = masks.mask(n * 64, 0.2);
    return tf.tidy(() => {
      // Tensors over subarrays: one copy into the backend per batch, no JS-side slicing.
      const x = tf.tensor2d(d.mlpX.subarray(start * MLP_FEATURES, (start + n) * MLP_FEATURES), [n, MLP_FEATURES]);
      const y = tf.tensor2d(d.mlpY.subarray(start, start + n), [n, 1]);
      const mask1 = tf.tensor2d(m1, [n, 128]);
      const mask2 = tf.tensor2d(m2, [n, 64]);
      return trainStep(
        opt,
        () => {
          const h1: tf.Tensor2D = tf.mul(bnForward(dense(x, w1, b1, 'relu'), bns[0]!), mask1) as tf.Tensor2D;
          const h2: tf.Tensor2D = tf.mul(bnForward(dense(h1, w2, b2, 'relu'), bns[1]!), mask2) as tf.Tensor2D;
          const out = dense(h2, w3, b3, 'linear');
          return tf.mean(tf.squaredDifference(out, y));
        },
        { varList: vars },
      );
    });
  };
  const timing = timeEpochs(steps, o.epochs, limit, step);
  return { timing, step, dispose: () => (tf.dispose(vars), opt.dispose()) };
}

// ---------------------------------------------------------------- two-tower

function ttStock(d: Data, o: Options, limit: number): Timing {
  const labels = tf.range(0, TT.batch, 1, 'int32');
  const tower = (rows: number, seed: number) => ({
    emb: tf.layers.embedding({ inputDim: rows, outputDim: TT.dim, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }) }),
    d1: tf.layers.dense({ units: TT.dim, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    d2: tf.layers.dense({ units: TT.dim, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
  });
  const u = tower(TT.users, 10);
  const it = tower(TT.items, 20);
  const apply = (t: ReturnType<typeof tower>, ids: tf.Tensor): tf.Tensor2D =>
    l2Normalize(t.d2.apply(t.d1.apply(t.emb.apply(ids))) as tf.Tensor2D);
  // Build the layers' weights before the first minimize (it only sees existing variables).
  tf.tidy(() => [apply(u, tf.zeros([1], 'int32')), apply(it, tf.zeros([1], 'int32'))]);
  const opt = tf.train.adam(1e-3);
  const steps = Math.floor(o.interactions / TT.batch);
  const step = (i: number): number =>
    tf.tidy(() => {
      const s = i * TT.batch;
      const uid = tf.tensor1d(d.users.subarray(s, s + TT.batch), 'int32');
      const iid = tf.tensor1d(d.items.subarray(s, s + TT.batch), 'int32');
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, TT.batch), tf.div(tf.matMul(apply(u, uid), apply(it, iid), false, true), TT.temperature)) as tf.Scalar, true);
      return loss!.dataSync()[0] as number;
    });
  const timing = timeEpochs(steps, o.epochs, limit, step);
  opt.dispose();
  for (const t of [u, it]) for (const l of [t.emb, t.d1, t.d2]) l.dispose();
  labels.dispose();
  return timing;
}

function ttTuned(d: Data, o: Options, limit: number): { timing: Timing; step: (i: number) => number; dispose: () => void } {
  const rng = new Rng(3);
  const labels = tf.range(0, TT.batch, 1, 'int32') as tf.Tensor1D;
  const users = new SparseEmbedding({ numRows: TT.users, dim: TT.dim, seed: 10, optimizer: { kind: 'adam', learningRate: 1e-3 } });
  const items = new SparseEmbedding({ numRows: TT.items, dim: TT.dim, seed: 20, optimizer: { kind: 'adam', learningRate: 1e-3 } });
  const towers = ['u', 'i'].map((t) => ({
    w1: glorot(rng, TT.dim, TT.dim, nm(`${t}w1`)),
    b1: filled(TT.dim, 0, nm(`${t}b1`)),
    w2: glorot(rng, TT.dim, TT.dim, nm(`${t}w2`)),
    b2: filled(TT.dim, 0, nm(`${t}b2`)),
  }));
  const vars = towers.flatMap((t) => [t.w1, t.b1, t.w2, t.b2]);
  const opt = new InPlaceAdam({ learningRate: 1e-3 });
  const tower = (x: tf.Tensor2D, t: (typeof towers)[number]): tf.Tensor2D =>
    l2Normalize(dense(dense(x, t.w1, t.b1, 'relu'), t.w2, t.b2, 'linear'));
  const steps = Math.floor(o.interactions / TT.batch);
  const step = (i: number): number => {
    const s = i * TT.batch;
    const ub = users.batch(d.users.subarray(s, s + TT.batch));
    const ib = items.batch(d.items.subarray(s, s + TT.batch));
    return trainStep(
      opt,
      () => {
        const u = tower(ub.vectors(), towers[0]!);
        const v = tower(ib.vectors(), towers[1]!);
        // Scale one side (64 columns) rather than the [batch, batch] score matrix.
        return softmaxCrossEntropyWithLogits(tf.matMul(tf.mul(u, 1 / TT.temperature), v, false, true), labels);
      },
      { sparse: [ub, ib], varList: vars },
    );
  };
  const timing = timeEpochs(steps, o.epochs, limit, step);
  return { timing, step, dispose: () => (tf.dispose([...vars, labels]), users.dispose(), items.dispose(), opt.dispose()) };
}

// ---------------------------------------------------------------- profile, torch, main

interface KernelRow {
  kernel: string;
  ms_per_step: number;
  calls_per_step: number;
  share: number;
}

async function profileSteps(step: (i: number) => number, steps: number): Promise<{ wall_ms_per_step: number; kernel_ms_per_step: number; kernels: KernelRow[] }> {
  const acc = new Map<string, { ms: number; calls: number }>();
  const t0 = performance.now();
  const info = await tf.profile(() => {
    for (let i = 0; i < steps; i++) step(i);
  });
  const wall = (performance.now() - t0) / steps;
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs;
    const a = acc.get(k.name) ?? { ms: 0, calls: 0 };
    a.ms += typeof ms === 'number' ? ms : 0;
    a.calls += 1;
    acc.set(k.name, a);
  }
  const total = [...acc.values()].reduce((p, a) => p + a.ms, 0);
  const kernels = [...acc.entries()]
    .map(([kernel, a]) => ({ kernel, ms_per_step: round(a.ms / steps, 4), calls_per_step: round(a.calls / steps, 1), share: round(a.ms / total, 3) }))
    .sort((a, b) => b.ms_per_step - a.ms_per_step);
  return { wall_ms_per_step: round(wall, 3), kernel_ms_per_step: round(total / steps, 3), kernels };
}

function round(x: number, digits = 3): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

/** One model's PyTorch timing as runtime_bench.py prints it. */
export interface TorchModel {
  seconds_per_epoch: number;
  cpu_seconds_per_epoch: number;
  final_loss: number;
  variant?: string;
  dense_adam_seconds_per_epoch?: number;
  sparse_adam_seconds_per_epoch?: number;
  dense_adam_cpu_seconds_per_epoch?: number;
  sparse_adam_cpu_seconds_per_epoch?: number;
  dense_adam_final_loss?: number;
  sparse_adam_final_loss?: number;
}
/** One runtime_bench.py run at a pinned thread count. */
export type TorchRun = { threads: number; torch: string; blas: string[]; load_avg_before: number[]; mlp: TorchModel; two_tower: TorchModel };
type Model = 'mlp' | 'two_tower';

/** One PyTorch run with OpenMP / OpenBLAS / MKL pinned to `threads` (env set before torch loads). */
function runTorch(dir: string, o: Options, threads: number): TorchRun | { threads: number; error: string } {
  const script = join(WORKSPACE_ROOT, 'tools/bench/python/runtime_bench.py');
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const load = loadavg().map((x) => round(x, 2));
  // A cap, not a measurement: OpenMP's spinning threads can crawl when other jobs hold the cores.
  const timeout = 20 * 60_000;
  const r = spawnSync(PYTHON, [script, '--data', dir, '--epochs', String(o.epochs), '--threads', n], { encoding: 'utf8', maxBuffer: 1 << 24, env, timeout });
  if (r.error || r.status !== 0) {
    const why = r.signal ? `stopped by ${r.signal} after ${timeout / 60_000} min` : (r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' | '));
    return { threads, error: `${PYTHON} ${script} --threads ${n} failed: ${why}` };
  }
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Omit<TorchRun, 'load_avg_before'>), load_avg_before: load };
}

/**
 * PyTorch's reference for a model: its fastest wall-clock configuration over the runs (thread
 * counts, and the repeat after tfjs; each run already reports the faster of dense Adam /
 * SparseAdam for the two-tower), plus
 * the smallest 1-thread CPU seconds over the variants (the denominator of `cpu_ratio_vs_pytorch`).
 *
 * @param runs - successful PyTorch runs
 * @param model - `mlp` or `two_tower`
 * @returns the reference, or null without runs
 */
export function torchReference(runs: TorchRun[], model: Model): { threads: number; variant: string; seconds_per_epoch: number; final_loss: number; cpu_seconds_per_epoch_1_thread: number | null } | null {
  if (runs.length === 0) return null;
  const best = runs.reduce((p, r) => (r[model].seconds_per_epoch < p[model].seconds_per_epoch ? r : p));
  // 1-thread CPU seconds of the cheaper variant (the two-tower's dense or sparse Adam), best run.
  const ones = runs.filter((r) => r.threads === 1);
  const cpu1 = ones.length > 0 ? Math.min(...ones.map((r) => Math.min(r[model].cpu_seconds_per_epoch, r[model].dense_adam_cpu_seconds_per_epoch ?? Infinity, r[model].sparse_adam_cpu_seconds_per_epoch ?? Infinity))) : null;
  return {
    threads: best.threads,
    variant: best[model].variant ?? 'Adam',
    seconds_per_epoch: round(best[model].seconds_per_epoch, 4),
    final_loss: round(best[model].final_loss, 4),
    cpu_seconds_per_epoch_1_thread: cpu1 === null ? null : round(cpu1, 4),
  };
}

/** Writes ratio_vs_pytorch / cpu_ratio_vs_pytorch (tuned and stock) of every backend row. */
function fillRatios(backends: Record<string, unknown>, ref: Record<Model, ReturnType<typeof torchReference>>): void {
  const PAIRS = [
    ['ratio_vs_pytorch', 'seconds_per_epoch', false],
    ['cpu_ratio_vs_pytorch', 'cpu_seconds_per_epoch', true],
    ['stock_ratio_vs_pytorch', 'stock_seconds_per_epoch', false],
    ['stock_cpu_ratio_vs_pytorch', 'stock_cpu_seconds_per_epoch', true],
  ] as const;
  for (const model of ['mlp', 'two_tower'] as const) {
    const r = ref[model];
    for (const v of Object.values(backends)) {
      const row = (v as Partial<Record<Model, Record<string, unknown>>>)[model];
      if (!row) continue;
      for (const [ratio, seconds, cpu] of PAIRS) {
        const num = row[seconds];
        const den = r ? (cpu ? r.cpu_seconds_per_epoch_1_thread : r.seconds_per_epoch) : null;
        row[ratio] = typeof num === 'number' && den ? round(num / den, 3) : null;
      }
    }
  }
}

const RATIO_DEFINITION =
  "ratio_vs_pytorch = tfjs wall s/epoch ÷ PyTorch's fastest wall s/epoch (over 1 and 2 threads, dense/sparse Adam for the two-tower, and a repeat after tfjs); " +
  'cpu_ratio_vs_pytorch = tfjs process CPU s/epoch ÷ PyTorch 1-thread CPU s/epoch';

/** Entry point of the suite. */
export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-bench-runtime-'));
  const loadAt: Record<string, number[]> = { start: loadavg().map((x) => round(x, 2)) };
  try {
    const data = makeData(o);
    writeData(dir, data, o);
    const torchRuns: TorchRun[] = [];
    const torchErrors: { threads: number; error: string }[] = [];
    if (o.torch) {
      for (const threads of o.torchThreads) {
        console.log(`PyTorch (${PYTHON}, ${threads} thread${threads > 1 ? 's' : ''}, OMP/OPENBLAS/MKL_NUM_THREADS=${threads}) ...`);
        const r = runTorch(dir, o, threads);
        if ('error' in r) {
          torchErrors.push(r);
          console.log(`  PyTorch unavailable: ${r.error}`);
        } else torchRuns.push(r);
      }
    }
    const ref: Record<Model, ReturnType<typeof torchReference>> = { mlp: torchReference(torchRuns, 'mlp'), two_tower: torchReference(torchRuns, 'two_tower') };
    const backends: Record<string, unknown> = {};
    const profiles: Record<string, unknown> = {};
    for (const spec of o.backends) {
      const kind = spec.kind;
      let info;
      loadAt[spec.label] = loadavg().map((x) => round(x, 2));
      try {
        info = await initRuntime({ backend: kind, threads: spec.threads });
      } catch (err) {
        backends[spec.label] = { error: (err as Error).message };
        console.log(`${spec.label}: ${(err as Error).message}`);
        continue;
      }
      const limit = kind === 'cpu' ? o.cpuSteps : Infinity;
      console.log(`tfjs ${spec.label}: MLP ...`);
      const mlpStockT = o.stock ? await mlpStock(data, o, limit) : null;
      const mlp = mlpTuned(data, o, limit);
      console.log(`tfjs ${spec.label}: two-tower ...`);
      // The cpu backend needs seconds per two-tower step: time a few steps and extrapolate.
      const ttStockT = o.stock ? ttStock(data, o, kind === 'cpu' ? 2 : 40) : null;
      const tt = ttTuned(data, o, kind === 'cpu' ? 3 : Infinity);
      if (o.profile && kind !== 'cpu') {
        profiles[spec.label] = { mlp: await profileSteps(mlp.step, 50), two_tower: await profileSteps(tt.step, 10) };
      }
      mlp.dispose();
      tt.dispose();
      // Ratios are filled in once PyTorch's reference is final (fillRatios).
      const entry = (tuned: Timing, stock: Timing | null) => ({
        seconds_per_epoch: round(tuned.seconds_per_epoch, 4),
        cpu_seconds_per_epoch: round(tuned.cpu_seconds_per_epoch, 4),
        ratio_vs_pytorch: null as number | null,
        cpu_ratio_vs_pytorch: null as number | null,
        variant: 'tuned',
        final_loss: round(tuned.final_loss, 4),
        extrapolated_from_steps: tuned.extrapolated ? tuned.steps_timed : null,
        stock_seconds_per_epoch: stock ? round(stock.seconds_per_epoch, 4) : null,
        stock_cpu_seconds_per_epoch: stock ? round(stock.cpu_seconds_per_epoch, 4) : null,
        stock_ratio_vs_pytorch: null as number | null,
        stock_cpu_ratio_vs_pytorch: null as number | null,
        stock_final_loss: stock ? round(stock.final_loss, 4) : null,
        stock_extrapolated_from_steps: stock?.extrapolated ? stock.steps_timed : null,
      });
      backends[spec.label] = {
        backend: kind,
        threads: info.threads,
        simd: info.simd,
        kernels: info.kernels,
        mlp: entry(mlp.timing, mlpStockT),
        two_tower: entry(tt.timing, ttStockT),
      };
    }
    if (o.torch && torchRuns.length > 0) {
      // Load on a shared machine drifts over a run: PyTorch again after tfjs at its fastest thread
      // count; the reference is the faster of the runs (a stricter reference, never a weaker one).
      const again = [...new Set((['mlp', 'two_tower'] as const).map((m) => torchReference(torchRuns, m)!.threads))];
      for (const threads of again) {
        console.log(`PyTorch again (${threads} thread${threads > 1 ? 's' : ''}) ...`);
        const r = runTorch(dir, o, threads);
        if ('error' in r) torchErrors.push(r);
        else torchRuns.push(r);
      }
      ref.mlp = torchReference(torchRuns, 'mlp');
      ref.two_tower = torchReference(torchRuns, 'two_tower');
    }
    fillRatios(backends, ref);
    loadAt['end'] = loadavg().map((x) => round(x, 2));
    const best = (model: Model) => {
      const rows = Object.entries(backends)
        .filter(([, v]) => !(v as { error?: string }).error)
        .map(([k, v]) => ({ backend: k, ...((v as Record<string, object>)[model] as { seconds_per_epoch: number; ratio_vs_pytorch: number | null; cpu_ratio_vs_pytorch: number | null; final_loss: number }) }))
        .sort((a, b) => a.seconds_per_epoch - b.seconds_per_epoch);
      const top = rows[0];
      return top
        ? { backend: top.backend, seconds_per_epoch: top.seconds_per_epoch, ratio_vs_pytorch: top.ratio_vs_pytorch, cpu_ratio_vs_pytorch: top.cpu_ratio_vs_pytorch, final_loss: top.final_loss, pytorch: ref[model] }
        : null;
    };
    const result = {
      ratio_definition: RATIO_DEFINITION,
      config: { ...o, backends: o.backends.map((b) => b.label), mlp: { rows: o.rows, batch: MLP_BATCH, features: MLP_FEATURES }, two_tower: { ...TT, interactions: o.interactions } },
      load_avg: loadAt,
      pytorch: { runs: torchRuns, errors: torchErrors, reference: ref },
      mlp: best('mlp'),
      two_tower: best('two_tower'),
      backends,
      profile: profiles,
    };
    const path = writeBenchResult('runtime', result);
    printSummary(torchRuns, ref, backends, profiles, loadAt);
    console.log(`wrote ${path}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printSummary(
  torchRuns: TorchRun[],
  ref: Record<Model, ReturnType<typeof torchReference>>,
  backends: Record<string, unknown>,
  profiles: Record<string, unknown>,
  loadAt: Record<string, number[]>,
): void {
  console.log(`\nseconds/epoch. ${RATIO_DEFINITION}.`);
  console.log(`load average (1/5/15 min): ${Object.entries(loadAt).map(([k, v]) => `${k} ${v.join('/')}`).join('; ')}`);
  for (const r of torchRuns) {
    const tt = r.two_tower;
    console.log(
      `  PyTorch ${r.threads} thread(s): MLP ${fmt(r.mlp.seconds_per_epoch)} wall, ${fmt(r.mlp.cpu_seconds_per_epoch)} CPU, loss ${r.mlp.final_loss.toFixed(4)}` +
        `  two-tower dense Adam ${fmt(tt.dense_adam_seconds_per_epoch)} wall / ${fmt(tt.dense_adam_cpu_seconds_per_epoch)} CPU, loss ${tt.dense_adam_final_loss?.toFixed(4)};` +
        ` SparseAdam ${fmt(tt.sparse_adam_seconds_per_epoch)} wall / ${fmt(tt.sparse_adam_cpu_seconds_per_epoch)} CPU, loss ${tt.sparse_adam_final_loss?.toFixed(4)}`,
    );
  }
  for (const model of ['mlp', 'two_tower'] as const) {
    const r = ref[model];
    if (r) console.log(`  PyTorch reference ${model}: ${r.threads} thread(s), ${r.variant}, ${fmt(r.seconds_per_epoch)} wall (1-thread CPU ${fmt(r.cpu_seconds_per_epoch_1_thread)})`);
  }
  for (const [k, v] of Object.entries(backends)) {
    const e = v as { error?: string; mlp?: Row; two_tower?: Row };
    if (e.error) {
      console.log(`  tfjs ${k}: ${e.error}`);
      continue;
    }
    const show = (r: Row): string =>
      `${fmt(r.seconds_per_epoch)} wall (${r.ratio_vs_pytorch ?? '–'}×), ${fmt(r.cpu_seconds_per_epoch)} CPU (${r.cpu_ratio_vs_pytorch ?? '–'}×), loss ${r.final_loss.toFixed(4)}` +
      `${r.extrapolated_from_steps ? ` [extrapolated from ${r.extrapolated_from_steps} steps]` : ''}` +
      (r.stock_seconds_per_epoch == null ? '' : ` | stock ${fmt(r.stock_seconds_per_epoch)} wall (${r.stock_ratio_vs_pytorch ?? '–'}×), loss ${r.stock_final_loss?.toFixed(4)}${r.stock_extrapolated_from_steps ? ` [extrapolated from ${r.stock_extrapolated_from_steps} steps]` : ''}`);
    console.log(`  tfjs ${k} MLP:       ${show(e.mlp!)}`);
    console.log(`  tfjs ${k} two-tower: ${show(e.two_tower!)}`);
  }
  for (const [k, p] of Object.entries(profiles)) {
    for (const model of ['mlp', 'two_tower'] as const) {
      const pr = (p as Record<string, Awaited<ReturnType<typeof profileSteps>>>)[model]!;
      console.log(`  profile ${k} ${model}: wall ${pr.wall_ms_per_step} ms/step, kernels ${pr.kernel_ms_per_step} ms/step; top: ${pr.kernels.slice(0, 6).map((r) => `${r.kernel} ${r.ms_per_step}ms×${r.calls_per_step}`).join(', ')}`);
    }
  }
}

interface Row {
  seconds_per_epoch: number;
  cpu_seconds_per_epoch: number;
  ratio_vs_pytorch: number | null;
  cpu_ratio_vs_pytorch: number | null;
  final_loss: number;
  extrapolated_from_steps: number | null;
  stock_seconds_per_epoch: number | null;
  stock_ratio_vs_pytorch: number | null;
  stock_final_loss: number | null;
  stock_extrapolated_from_steps: number | null;
}

function fmt(x: number | null | undefined): string {
  return x == null ? '–' : `${x.toFixed(3)} s`;
}
