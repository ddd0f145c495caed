import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { trainStep } from '@tunekit/runtime';
import { ModelsError } from '../errors';
import type { ContentEmbeddingConfig } from './content-embedding.config';
import { accidentalHitMasks, cosinePairLoss, inBatchSoftmaxLoss } from './content-embedding.losses';
import { ContentEmbeddingModel } from './content-embedding.model';
import { embeddingSpread } from './embedding-spread';
import type { PairSet } from './positive-pairs';

/** One epoch's numbers (all reported to experiment tracking). */
export interface ContentEmbeddingEpoch {
  epoch: number;
  /** Mean training loss (the configured objective). */
  loss: number;
  /** Validation loss on held-out pairs, same objective (model selection uses it). */
  val_loss: number;
  /** Mean cosine of held-out positive pairs (high is good — but also high when collapsed). */
  val_positive_cosine: number;
  /** Mean cosine of sampled track pairs (1 = collapsed). */
  mean_cosine: number;
  /** `1 − mean_cosine` (0 = collapsed). */
  spread: number;
  /** 1 when the embedding counts as collapsed this epoch, else 0. */
  collapsed: number;
  seconds: number;
}

/** Input of {@link trainContentEmbedding}. */
export interface TrainContentEmbeddingInput {
  /** float32 `[rows, featureDim]` standardised features of every track a pair may reference. */
  features: Float32Array;
  featureDim: number;
  /** Positive pairs over rows of `features`. */
  pairs: PairSet;
  config: ContentEmbeddingConfig;
  /** Called after every epoch with its numbers and the model (for logging and checkpoints). */
  onEpoch?: (epoch: ContentEmbeddingEpoch, model: ContentEmbeddingModel) => void | Promise<void>;
}

/** Output of {@link trainContentEmbedding}. */
export interface TrainContentEmbeddingResult {
  /** The model holding the best epoch's weights (caller disposes). */
  model: ContentEmbeddingModel;
  history: ContentEmbeddingEpoch[];
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
  /** Spread of the best model's embeddings of every row. */
  finalSpread: ReturnType<typeof embeddingSpread>;
  trainPairs: number;
  validationPairs: number;
}

function gather(features: Float32Array, f: number, rows: Int32Array, order: Int32Array, from: number, to: number, out: Float32Array): void {
  for (let i = from; i < to; i++) {
    const r = rows[order[i] as number] as number;
    out.set(features.subarray(r * f, (r + 1) * f), (i - from) * f);
  }
}

/**
 * Trains the siamese content-embedding model on positive pairs with the configured loss
 * (in-batch softmax by default, positive-only cosine on request), Adam, seeded shuffles and
 * initialisers. Pairs are split into train / validation (`validationSplit`, seeded); the epoch
 * with the lowest validation loss is kept (early stopping after `patience` epochs without
 * improvement). The embedding spread is measured every epoch, so a collapse is visible.
 *
 * @param input - {@link TrainContentEmbeddingInput}
 * @returns {@link TrainContentEmbeddingResult}
 * @throws ModelsError `NO_DATA` when there are fewer than 2 pairs, `SHAPE_MISMATCH` when a pair
 *   references a row outside `features`
 * @example
 * ```ts
 * const { model, history } = await trainContentEmbedding({ features, featureDim: 11, pairs, config });
 * const unit = model.embed(features);
 * ```
 */
export async function trainContentEmbedding(input: TrainContentEmbeddingInput): Promise<TrainContentEmbeddingResult> {
  const { features, featureDim: f, pairs, config } = input;
  const rows = features.length / f;
  const n = pairs.a.length;
  if (n < 2) throw new ModelsError('NO_DATA', `trainContentEmbedding: ${n} positive pair(s); at least 2 are needed. Check that the interactions reference tracks with audio features.`, { context: { pairs: n } });
  for (let i = 0; i < n; i++) {
    const a = pairs.a[i] as number;
    const b = pairs.b[i] as number;
    if (a < 0 || b < 0 || a >= rows || b >= rows) throw new ModelsError('SHAPE_MISMATCH', `pair ${i} (${a}, ${b}) references a row outside the ${rows} feature rows.`, { context: { pair: i, a, b, rows } });
  }
  const rng = new Rng(config.seed);
  const perm = rng.fork('split').permutation(n);
  const nVal = config.validationSplit > 0 ? Math.max(config.batchSize >= n ? 1 : 2, Math.round(n * config.validationSplit)) : 0;
  const valIdx = perm.slice(0, Math.min(nVal, n - 2));
  const trainIdx = perm.slice(valIdx.length);
  const model = new ContentEmbeddingModel(f, config);
  const optimizer = tf.train.adam(config.learningRate);
  const history: ContentEmbeddingEpoch[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let bestWeights: Float32Array[] | null = null;
  let stoppedEarly = false;
  const B = config.batchSize;
  const xa = new Float32Array(B * f);
  const xb = new Float32Array(B * f);

  const batchLoss = (idx: Int32Array, from: number, to: number, training: boolean): tf.Scalar => {
    const m = to - from;
    gather(features, f, pairs.a, idx, from, to, xa);
    gather(features, f, pairs.b, idx, from, to, xb);
    const ta = tf.tensor2d(xa.subarray(0, m * f), [m, f]);
    const tb = tf.tensor2d(xb.subarray(0, m * f), [m, f]);
    const w = tf.tensor1d(Float32Array.from({ length: m }, (_, i) => pairs.weight[idx[from + i] as number] as number));
    const ea = model.embedTensor(ta, training);
    const eb = model.embedTensor(tb, training);
    if (config.loss === 'cosine') return cosinePairLoss(ea, eb, w);
    const ai = Int32Array.from({ length: m }, (_, i) => pairs.a[idx[from + i] as number] as number);
    const bi = Int32Array.from({ length: m }, (_, i) => pairs.b[idx[from + i] as number] as number);
    const { ab, ba } = accidentalHitMasks(ai, bi);
    return inBatchSoftmaxLoss(ea, eb, config.temperature, w, { ab: tf.tensor2d(ab, [m, m]), ba: tf.tensor2d(ba, [m, m]) });
  };

  const evaluate = (idx: Int32Array): { loss: number; positiveCosine: number } => {
    if (idx.length === 0) return { loss: Number.NaN, positiveCosine: Number.NaN };
    let total = 0;
    let weight = 0;
    let cos = 0;
    for (let from = 0; from < idx.length; from += B) {
      const to = Math.min(idx.length, from + B);
      if (to - from < 2 && from > 0) break;
      const [l, c] = tf.tidy(() => {
        const loss = batchLoss(idx, from, to, false);
        const m = to - from;
        const ea = model.embedTensor(tf.tensor2d(xa.subarray(0, m * f), [m, f]), false);
        const eb = model.embedTensor(tf.tensor2d(xb.subarray(0, m * f), [m, f]), false);
        return [loss.dataSync()[0] as number, tf.sum(tf.mul(ea, eb)).dataSync()[0] as number];
      });
      total += l * (to - from);
      weight += to - from;
      cos += c;
    }
    return { loss: total / weight, positiveCosine: cos / weight };
  };

  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const t0 = performance.now();
    const order = Int32Array.from(trainIdx);
    rng.shuffle(order);
    let sum = 0;
    let steps = 0;
    for (let from = 0; from + 1 < order.length; from += B) {
      const to = Math.min(order.length, from + B);
      if (to - from < 2) break;
      sum += trainStep(optimizer, () => batchLoss(order, from, to, true));
      steps++;
    }
    const trainLoss = sum / Math.max(1, steps);
    const val = valIdx.length > 0 ? evaluate(valIdx) : evaluate(trainIdx);
    const embedded = model.embed(features);
    const spread = embeddingSpread(embedded, config.embeddingSize, { sample: config.spreadSample, seed: config.seed + epoch, threshold: config.collapseThreshold });
    const report: ContentEmbeddingEpoch = {
      epoch,
      loss: trainLoss,
      val_loss: val.loss,
      val_positive_cosine: val.positiveCosine,
      mean_cosine: spread.meanCosine,
      spread: spread.spread,
      collapsed: spread.collapsed ? 1 : 0,
      seconds: (performance.now() - t0) / 1000,
    };
    history.push(report);
    if (val.loss < best - 1e-6) {
      best = val.loss;
      bestEpoch = epoch;
      bestWeights = model.snapshot();
    }
    await input.onEpoch?.(report, model);
    if (config.patience > 0 && epoch - bestEpoch >= config.patience) {
      stoppedEarly = epoch < config.epochs;
      break;
    }
  }
  optimizer.dispose();
  if (bestWeights) model.restore(bestWeights);
  const finalSpread = embeddingSpread(model.embed(features), config.embeddingSize, { sample: config.spreadSample, seed: config.seed, threshold: config.collapseThreshold });
  return { model, history, bestEpoch, bestValLoss: best, stoppedEarly, finalSpread, trainPairs: trainIdx.length, validationPairs: valIdx.length };
}
