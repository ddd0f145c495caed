import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';

/** Hyper-parameters of {@link fitMlpRegressor}. */
export interface MlpRegressorOptions {
  /** Hidden layer widths (ReLU). */
  hidden: number[];
  learningRate: number;
  batchSize: number;
  /** Epochs at most. */
  epochs: number;
  /** Stop after this many epochs without a better validation loss. */
  patience: number;
  /** L2 penalty on the weights. */
  l2: number;
  seed: number;
}

/**
 * A fitted multi-output MLP as plain JSON: inputs and outputs standardised with the stored
 * means/stds; `layers[l] = { w: [in*out] row-major, b: [out] }`. Inference is pure TypeScript.
 */
export interface MlpRegressorModel {
  inMean: number[];
  inStd: number[];
  outMean: number[];
  outStd: number[];
  layers: { inDim: number; outDim: number; w: number[]; b: number[] }[];
}

/**
 * Trains a multi-output MLP (MSE on standardised targets, Adam, early stopping on `valid`).
 * Runs on whatever tfjs backend is active (call `initRuntime` first for wasm).
 *
 * @param x - float row-major `[n, dim]`
 * @param y - float row-major `[n, T]`
 * @param dim - input width
 * @param T - outputs
 * @param options - see {@link MlpRegressorOptions}
 * @param valid - validation rows for early stopping (defaults to the training rows)
 * @param onEpoch - called after each epoch with train and validation MSE (standardised)
 * @returns the best-validation model and its epoch count
 * @throws ModelsError `SHAPE_MISMATCH`
 * @example
 * ```ts
 * const { model } = await fitMlpRegressor(x, y, dim, 5, { hidden: [64, 32], learningRate: 1e-3, batchSize: 256, epochs: 60, patience: 8, l2: 1e-5, seed: 1 });
 * ```
 */
export async function fitMlpRegressor(
  x: Float64Array,
  y: Float64Array,
  dim: number,
  T: number,
  options: MlpRegressorOptions,
  valid?: { x: Float64Array; y: Float64Array },
  onEpoch?: (epoch: number, trainLoss: number, validLoss: number) => Promise<void> | void,
): Promise<{ model: MlpRegressorModel; bestEpoch: number }> {
  const n = x.length / dim;
  if (y.length !== n * T) throw new ModelsError('SHAPE_MISMATCH', `fitMlpRegressor: y has ${y.length} values, expected ${n}×${T}`);
  const inS = colStats(x, dim);
  const outS = colStats(y, T);
  const xs = standardise(x, dim, inS);
  const ys = standardise(y, T, outS);
  const vx = valid ? standardise(valid.x, dim, inS) : xs;
  const vy = valid ? standardise(valid.y, T, outS) : ys;
  const rng = new Rng(options.seed);
  const sizes = [dim, ...options.hidden, T];
  const vars: { w: tf.Variable; b: tf.Variable }[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fi = sizes[l] as number;
    const fo = sizes[l + 1] as number;
    const lim = Math.sqrt(6 / (fi + fo)); // Glorot uniform
    const w = Float32Array.from({ length: fi * fo }, () => rng.uniform(-lim, lim));
    // tf.variable keeps its own reference to the data: the initial tensors are disposed right away.
    const w0 = tf.tensor2d(w, [fi, fo]);
    const b0 = tf.zeros([fo]);
    vars.push({ w: tf.variable(w0), b: tf.variable(b0) });
    tf.dispose([w0, b0]);
  }
  const forward = (inp: tf.Tensor2D): tf.Tensor2D => {
    let h: tf.Tensor2D = inp;
    vars.forEach((v, l) => {
      h = tf.add(tf.matMul(h, v.w), v.b);
      if (l + 1 < vars.length) h = tf.relu(h);
    });
    return h;
  };
  const opt = tf.train.adam(options.learningRate);
  const vxT = tf.tensor2d(Float32Array.from(vx), [vx.length / dim, dim]);
  const vyT = tf.tensor2d(Float32Array.from(vy), [vy.length / T, T]);
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights = snapshot(vars);
  let bad = 0;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const perm = rng.permutation(n);
      let sum = 0;
      for (let s = 0; s < n; s += options.batchSize) {
        const idx = perm.subarray(s, Math.min(n, s + options.batchSize));
        const bx = new Float32Array(idx.length * dim);
        const by = new Float32Array(idx.length * T);
        idx.forEach((row, i) => {
          bx.set(xs.subarray(row * dim, (row + 1) * dim), i * dim);
          by.set(ys.subarray(row * T, (row + 1) * T), i * T);
        });
        const bxT = tf.tensor2d(bx, [idx.length, dim]);
        const byT = tf.tensor2d(by, [idx.length, T]);
        const loss = opt.minimize(() => {
          const mse = tf.losses.meanSquaredError(byT, forward(bxT)) as tf.Scalar;
          if (options.l2 <= 0) return mse;
          return tf.add(mse, tf.mul(options.l2, tf.addN(vars.map((v) => tf.sum(tf.square(v.w)))))) as tf.Scalar;
        }, true);
        sum += (loss as tf.Scalar).dataSync()[0] as number * idx.length;
        tf.dispose([bxT, byT, loss as tf.Scalar]);
      }
      const vl = tf.tidy(() => (tf.losses.meanSquaredError(vyT, forward(vxT)) as tf.Scalar).dataSync()[0] as number);
      await onEpoch?.(epoch, sum / n, vl);
      if (vl < best - 1e-6) {
        best = vl;
        bestEpoch = epoch;
        bestWeights = snapshot(vars);
        bad = 0;
      } else if (++bad >= options.patience) break;
    }
  } finally {
    tf.dispose([vxT, vyT]);
    vars.forEach((v) => tf.dispose([v.w, v.b]));
    opt.dispose();
  }
  return {
    model: {
      inMean: inS.mean,
      inStd: inS.std,
      outMean: outS.mean,
      outStd: outS.std,
      layers: bestWeights.map((l, i) => ({ inDim: sizes[i] as number, outDim: sizes[i + 1] as number, w: l.w, b: l.b })),
    },
    bestEpoch,
  };
}

/**
 * Pure-TypeScript inference of a fitted MLP.
 *
 * @param model - from {@link fitMlpRegressor}
 * @param x - float row-major `[n, dim]`
 * @returns float64 row-major `[n, T]` in target units
 * @example
 * ```ts
 * const yHat = predictMlpRegressor(model, x);
 * ```
 */
export function predictMlpRegressor(model: MlpRegressorModel, x: ArrayLike<number>): Float64Array {
  const dim = model.inMean.length;
  const T = model.outMean.length;
  const n = x.length / dim;
  const out = new Float64Array(n * T);
  for (let i = 0; i < n; i++) {
    let h = new Float64Array(dim);
    for (let j = 0; j < dim; j++) h[j] = ((x[i * dim + j] as number) - (model.inMean[j] as number)) / (model.inStd[j] as number);
    model.layers.forEach((l, li) => {
      const o = new Float64Array(l.outDim);
      for (let c = 0; c < l.outDim; c++) o[c] = l.b[c] as number;
      for (let r = 0; r < l.inDim; r++) {
        const v = h[r] as number;
        if (v === 0) continue;
        for (let c = 0; c < l.outDim; c++) o[c] = (o[c] as number) + v * (l.w[r * l.outDim + c] as number);
      }
      if (li + 1 < model.layers.length) for (let c = 0; c < l.outDim; c++) o[c] = Math.max(0, o[c] as number);
      h = o;
    });
    for (let t = 0; t < T; t++) out[i * T + t] = (h[t] as number) * (model.outStd[t] as number) + (model.outMean[t] as number);
  }
  return out;
}

function snapshot(vars: { w: tf.Variable; b: tf.Variable }[]): { w: number[]; b: number[] }[] {
  return vars.map((v) => ({ w: Array.from(v.w.dataSync()), b: Array.from(v.b.dataSync()) }));
}

function colStats(x: Float64Array, dim: number): { mean: number[]; std: number[] } {
  const n = x.length / dim;
  const mean = new Array<number>(dim).fill(0);
  const sq = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (x[i * dim + j] as number) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) sq[j] = (sq[j] as number) + ((x[i * dim + j] as number) - (mean[j] as number)) ** 2 / n;
  return { mean, std: sq.map((v) => (Math.sqrt(v) > 1e-12 ? Math.sqrt(v) : 1)) };
}

function standardise(x: Float64Array, dim: number, s: { mean: number[]; std: number[] }): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = ((x[i] as number) - (s.mean[i % dim] as number)) / (s.std[i % dim] as number);
  return out;
}
