import { Rng } from '@tunekit/core';
import { applyStandardScaler, fitStandardScaler, type StandardScalerState } from '../kmeans/standard-scaler';
import { assignNearest, fitKMeans, type KMeansModel } from '../kmeans/kmeans.model';
import { binMatrix, fitGradientBoosting, predictGradientBoosting, type GradientBoostingModel } from './gradient-boosting.model';
import type { MetadataAudioConfig } from './metadata-audio.config';
import { MetadataAudioError } from './metadata-audio.error';
import { encodeTracks, fitFeatureEncoder, targetMatrix, type FeatureEncoderState } from './metadata-features';
import { fitMlpRegressor, predictMlpRegressor, type MlpRegressorModel } from './mlp-regressor.model';
import type { LabelledTrack, TrackMetadata } from './track-metadata.types';

/** Which learner predicts one target, with its validation scores. */
export interface TargetChoice {
  target: string;
  chosen: 'gbdt' | 'mlp';
  gbdtTrees: number;
  validR2Gbdt: number;
  validR2Mlp: number | null;
}

/**
 * A trained metadata → audio features model, entirely plain JSON: feature encoder (with
 * feature names), per-target trees and/or one multi-output MLP, the cluster scaler + k-means
 * centroids over the scaled targets, and the lookup table of tracks with known audio features.
 */
export interface MetadataAudioModel {
  format: 'tunekit-metadata-audio@1';
  targets: string[];
  encoder: FeatureEncoderState;
  choices: TargetChoice[];
  gbdt: Record<string, GradientBoostingModel>;
  mlp: MlpRegressorModel | null;
  clusterScaler: StandardScalerState;
  kmeans: KMeansModel;
  /** Track id → true target values (fast path). */
  lookup: Record<string, number[]>;
}

/** Hooks of {@link trainMetadataAudio}. */
export interface TrainHooks {
  log?: (message: string) => void;
  /** Called per MLP epoch (validation phase) with standardised MSEs. */
  onEpoch?: (epoch: number, metrics: Record<string, number>) => Promise<void> | void;
}

/**
 * Trains the metadata → audio family: carves a validation set out of `train` (grouped by main
 * artist when `features.grouping` is `first-artist`), fits per-target gradient-boosted trees
 * (tree count chosen there) and one multi-output MLP (epochs chosen there), keeps the better
 * learner per target on validation R², refits the chosen learners on all of `train`, and fits
 * k-means on the scaled true targets. Nothing from outside `train` is used.
 *
 * @param train - labelled tracks (true audio features in `audio`)
 * @param config - validated {@link MetadataAudioConfig}
 * @param hooks - logging and per-epoch metrics
 * @returns the model and the per-target choices
 * @throws MetadataAudioError `INVALID_INPUT` on a missing target, `INVALID_ARGUMENT` when train is too small
 * @example
 * ```ts
 * const model = await trainMetadataAudio(train, metadataAudioConfigSchema.parse({}));
 * const { results, coverage } = assignClusters(model, tracks);
 * ```
 */
export async function trainMetadataAudio(train: readonly LabelledTrack[], config: MetadataAudioConfig, hooks: TrainHooks = {}): Promise<MetadataAudioModel> {
  const log = hooks.log ?? (() => undefined);
  const T = config.targets.length;
  if (train.length < 20) throw new MetadataAudioError('INVALID_ARGUMENT', `trainMetadataAudio needs at least 20 training tracks, got ${train.length}`);
  const { inner, valid } = carveValidation(train, config.validationFraction, config.features.grouping, config.seed);
  log(`validation carve-out: ${inner.length} inner-train / ${valid.length} validation tracks (${config.features.grouping} grouping)`);

  // 1. Choose on the carve-out.
  const fit1 = fitFeatureEncoder(inner, encoderOptions(config));
  const D = fit1.state.featureNames.length;
  const xv = encodeTracks(fit1.state, valid);
  const yi = targetMatrix(inner, config.targets, 'train');
  const yv = targetMatrix(valid, config.targets, 'validation');
  const binned = binMatrix(fit1.x, D, config.gbdt.maxBins);
  const choices: TargetChoice[] = [];
  for (let t = 0; t < T; t++) {
    const { validCurve } = fitGradientBoosting(binned, column(yi, T, t), gbdtOptions(config, t), { x: xv, y: column(yv, T, t) });
    let bi = 0;
    validCurve.forEach((v, i) => {
      if (v < (validCurve[bi] as number)) bi = i;
    });
    const r2 = 1 - (validCurve[bi] as number) / variance(column(yv, T, t));
    choices.push({ target: config.targets[t] as string, chosen: 'gbdt', gbdtTrees: bi + 1, validR2Gbdt: r2, validR2Mlp: null });
  }
  let mlpEpochs = 0;
  if (config.mlp.enabled) {
    const { model: m1, bestEpoch } = await fitMlpRegressor(fit1.x, yi, D, T, mlpOptions(config, config.mlp.epochs), { x: xv, y: yv }, (epoch, trainLoss, validLoss) =>
      hooks.onEpoch?.(epoch, { mlp_train_mse: trainLoss, mlp_valid_mse: validLoss }),
    );
    mlpEpochs = Math.max(1, bestEpoch);
    const pv = predictMlpRegressor(m1, xv);
    choices.forEach((c, t) => {
      c.validR2Mlp = r2Score(column(yv, T, t), column(pv, T, t));
      if (c.validR2Mlp > c.validR2Gbdt) c.chosen = 'mlp';
    });
  }
  for (const c of choices) log(`${c.target}: validation R² trees ${c.validR2Gbdt.toFixed(4)} (${c.gbdtTrees} trees), MLP ${c.validR2Mlp?.toFixed(4) ?? '-'} → ${c.chosen}`);

  // 2. Refit the chosen learners on all of train.
  const fit = fitFeatureEncoder(train, encoderOptions(config));
  const y = targetMatrix(train, config.targets, 'train');
  const gbdt: Record<string, GradientBoostingModel> = {};
  const full = binMatrix(fit.x, D, config.gbdt.maxBins);
  choices.forEach((c, t) => {
    if (c.chosen !== 'gbdt') return;
    gbdt[c.target] = fitGradientBoosting(full, column(y, T, t), { ...gbdtOptions(config, t), nTrees: c.gbdtTrees }).model;
  });
  let mlp: MlpRegressorModel | null = null;
  if (choices.some((c) => c.chosen === 'mlp')) {
    mlp = (await fitMlpRegressor(fit.x, y, D, T, { ...mlpOptions(config, mlpEpochs), patience: mlpEpochs + 1 })).model;
  }

  // 3. Clusters on the scaled true targets of train.
  const clusterScaler = fitStandardScaler(y, T);
  const kmeans = fitKMeans(applyStandardScaler(clusterScaler, y), T, { k: config.kmeans.k, nInit: config.kmeans.nInit, seed: config.kmeans.seed });
  const lookup: Record<string, number[]> = {};
  train.forEach((r, i) => (lookup[r.id] = Array.from(y.subarray(i * T, (i + 1) * T))));
  return { format: 'tunekit-metadata-audio@1', targets: [...config.targets], encoder: fit.state, choices, gbdt, mlp, clusterScaler, kmeans, lookup };
}

/**
 * Predicts audio features from metadata (never uses the lookup table).
 *
 * @param model - a trained model
 * @param tracks - tracks to predict
 * @returns float64 row-major `[tracks.length, model.targets.length]`
 * @example
 * ```ts
 * const y = predictAudioFeatures(model, tracks);
 * ```
 */
export function predictAudioFeatures(model: MetadataAudioModel, tracks: readonly TrackMetadata[]): Float64Array {
  const T = model.targets.length;
  const D = model.encoder.featureNames.length;
  const x = encodeTracks(model.encoder, tracks);
  const out = new Float64Array(tracks.length * T);
  const mlpOut = model.mlp ? predictMlpRegressor(model.mlp, x) : null;
  model.choices.forEach((c, t) => {
    const col = c.chosen === 'gbdt' ? predictGradientBoosting(model.gbdt[c.target] as GradientBoostingModel, x, D) : null;
    for (let i = 0; i < tracks.length; i++) out[i * T + t] = col ? (col[i] as number) : ((mlpOut as Float64Array)[i * T + t] as number);
  });
  return out;
}

/**
 * Cluster of each row of audio features (scaled with the model's scaler, nearest centroid).
 *
 * @param model - a trained model
 * @param audio - row-major `[n, model.targets.length]` in target units
 * @returns int32 `[n]`
 * @example
 * ```ts
 * const c = clusterOfFeatures(model, predictAudioFeatures(model, tracks));
 * ```
 */
export function clusterOfFeatures(model: MetadataAudioModel, audio: ArrayLike<number>): Int32Array {
  return assignNearest(model.kmeans, applyStandardScaler(model.clusterScaler, audio));
}

function encoderOptions(config: MetadataAudioConfig) {
  const f = config.features;
  return { targets: config.targets, topGenres: f.topGenres, smoothing: f.smoothing, folds: f.folds, grouping: f.grouping, blocks: { artist: f.artist, genre: f.genre, related: f.related }, seed: config.seed };
}

function gbdtOptions(config: MetadataAudioConfig, t: number) {
  return { ...config.gbdt, seed: config.seed + t };
}

function mlpOptions(config: MetadataAudioConfig, epochs: number) {
  const { hidden, learningRate, batchSize, patience, l2 } = config.mlp;
  return { hidden, learningRate, batchSize, epochs, patience, l2, seed: config.seed };
}

function carveValidation(train: readonly LabelledTrack[], fraction: number, grouping: 'first-artist' | 'random', seed: number): { inner: LabelledTrack[]; valid: LabelledTrack[] } {
  const rng = new Rng(seed).fork('validation');
  const inner: LabelledTrack[] = [];
  const valid: LabelledTrack[] = [];
  if (grouping === 'random') {
    const perm = rng.permutation(train.length);
    const nv = Math.max(1, Math.round(train.length * fraction));
    const isValid = new Uint8Array(train.length);
    for (let i = 0; i < nv; i++) isValid[perm[i] as number] = 1;
    train.forEach((r, i) => (isValid[i] ? valid : inner).push(r));
  } else {
    const groups = [...new Set(train.map((r) => r.artists[0] ?? `#${r.id}`))].sort();
    rng.shuffle(groups);
    const held = new Set(groups.slice(0, Math.max(1, Math.round(groups.length * fraction))));
    for (const r of train) (held.has(r.artists[0] ?? `#${r.id}`) ? valid : inner).push(r);
  }
  if (inner.length < 10 || valid.length < 2) throw new MetadataAudioError('INVALID_ARGUMENT', `validation carve-out left ${inner.length} train / ${valid.length} validation tracks; use more data or another validationFraction`);
  return { inner, valid };
}

/** @internal column t of a row-major `[n, T]` matrix. */
export function column(m: ArrayLike<number>, T: number, t: number): Float64Array {
  const n = m.length / T;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = m[i * T + t] as number;
  return out;
}

function variance(y: Float64Array): number {
  let m = 0;
  for (const v of y) m += v / y.length;
  let s = 0;
  for (const v of y) s += (v - m) ** 2;
  return s / y.length || 1;
}

function r2Score(y: Float64Array, p: Float64Array): number {
  let se = 0;
  for (let i = 0; i < y.length; i++) se += ((y[i] as number) - (p[i] as number)) ** 2;
  return 1 - se / y.length / variance(y);
}
