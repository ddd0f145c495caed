import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';
import { LrScheduler, type LrSchedule } from './lr-schedule';

/** A dense dataset: row-major features and one target per row. */
export interface DenseData {
  /** float32 [n, width] */
  x: Float32Array;
  /** float32 [n] */
  y: Float32Array;
  width: number;
}

/** One epoch's numbers. */
export interface EpochLog {
  epoch: number;
  loss: number;
  val_loss: number;
  val_mae: number;
  lr: number;
  seconds: number;
}

/** Options of {@link fitDenseRegressor}. */
export interface FitDenseOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  schedule: LrSchedule;
  /** Epochs without validation improvement before stopping (early stopping). */
  patience: number;
  /** Minimum improvement of validation loss that counts. */
  minDelta?: number;
  seed: number;
  /** Loss: mean squared error (default) or Huber with the given delta. */
  loss?: { type: 'mse' } | { type: 'huber'; delta: number };
  onEpoch?: (log: EpochLog) => void | Promise<void>;
  /** Called after every epoch with the current model (checkpointing). */
  checkpoint?: (epoch: number, model: tf.LayersModel) => void | Promise<void>;
}

/** What {@link fitDenseRegressor} returns. */
export interface FitResult {
  history: EpochLog[];
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
}

function lossFn(kind: FitDenseOptions['loss'], pred: tf.Tensor, y: tf.Tensor): tf.Scalar {
  if (!kind || kind.type === 'mse') return tf.losses.meanSquaredError(y, pred) as tf.Scalar;
  return tf.losses.huberLoss(y, pred, undefined, kind.delta) as tf.Scalar;
}

/** Mean squared error and MAE of a model on a dataset, batched, no gradients. */
export function evaluateDense(model: tf.LayersModel, data: DenseData, batchSize = 4096): { mse: number; mae: number } {
  const n = data.y.length;
  let se = 0;
  let ae = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const pred = tf.tidy(() => {
      const xb = tf.tensor2d(data.x.subarray(start * data.width, end * data.width), [end - start, data.width]);
      return (model.predict(xb) as tf.Tensor).dataSync();
    });
    for (let i = 0; i < end - start; i++) {
      const e = (pred[i] as number) - (data.y[start + i] as number);
      se += e * e;
      ae += Math.abs(e);
    }
  }
  return { mse: se / Math.max(n, 1), mae: ae / Math.max(n, 1) };
}

/**
 * Trains a single-output LayersModel with Adam on a seeded shuffle, validates every epoch, stops
 * after `patience` epochs without improvement and restores the best weights.
 *
 * @throws ModelsError `SHAPE_MISMATCH` when x/y lengths disagree with width.
 */
export async function fitDenseRegressor(model: tf.LayersModel, train: DenseData, validation: DenseData, options: FitDenseOptions): Promise<FitResult> {
  for (const [name, d] of [['train', train], ['validation', validation]] as const) {
    if (d.x.length !== d.y.length * d.width) {
      throw new ModelsError('SHAPE_MISMATCH', `${name} features have ${d.x.length} values, expected ${d.y.length}·${d.width}`);
    }
  }
  if (validation.y.length === 0) throw new ModelsError('NO_DATA', 'fitDenseRegressor: the validation set is empty (early stopping needs it)');
  const rng = new Rng(options.seed);
  const n = train.y.length;
  const bs = Math.min(options.batchSize, n);
  const optimizer = tf.train.adam(options.learningRate);
  const scheduler = new LrScheduler(options.learningRate, options.schedule, options.epochs);
  const xBatch = new Float32Array(bs * train.width);
  const yBatch = new Float32Array(bs);
  const history: EpochLog[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let bestWeights: tf.Tensor[] | null = null;
  let wait = 0;
  let stoppedEarly = false;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const t0 = performance.now();
      const lr = scheduler.lrForEpoch(epoch);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const order = rng.permutation(n);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start + bs <= n; start += bs) {
        for (let b = 0; b < bs; b++) {
          const row = order[start + b] as number;
          xBatch.set(train.x.subarray(row * train.width, (row + 1) * train.width), b * train.width);
          yBatch[b] = train.y[row] as number;
        }
        const loss = tf.tidy(() => {
          const xb = tf.tensor2d(xBatch, [bs, train.width]);
          const yb = tf.tensor2d(yBatch, [bs, 1]);
          return optimizer.minimize(() => lossFn(options.loss, model.apply(xb, { training: true }) as tf.Tensor, yb), true) as tf.Scalar;
        });
        lossSum += (await loss.data())[0] as number;
        loss.dispose();
        batches++;
      }
      const val = evaluateDense(model, validation);
      scheduler.observe(val.mse);
      const log: EpochLog = { epoch, loss: lossSum / Math.max(batches, 1), val_loss: val.mse, val_mae: val.mae, lr, seconds: (performance.now() - t0) / 1000 };
      history.push(log);
      await options.onEpoch?.(log);
      if (val.mse < best - (options.minDelta ?? 0)) {
        best = val.mse;
        bestEpoch = epoch;
        wait = 0;
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = model.getWeights().map((w) => w.clone());
      } else if (++wait >= options.patience) {
        stoppedEarly = true;
        await options.checkpoint?.(epoch, model);
        break;
      }
      await options.checkpoint?.(epoch, model);
    }
    if (bestWeights) model.setWeights(bestWeights);
    return { history, bestEpoch, bestValLoss: best, stoppedEarly };
  } finally {
    bestWeights?.forEach((t) => t.dispose());
    optimizer.dispose();
  }
}
