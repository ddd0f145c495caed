import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Rng } from '@tunekit/core';
import { applyStandardScaler, fitStandardScaler, type StandardScalerState } from '../kmeans/standard-scaler';
import { assignNearest, fitKMeans, kmeansFromJson, type KMeansModel } from '../kmeans/kmeans.model';
import { binMatrix, fitGradientBoosting, predictGradientBoosting, type GradientBoostingModel } from './gradient-boosting.model';
import type { MetadataAudioConfig } from './metadata-audio.config';
import { ModelsError } from '../errors';
import { encodeTracks, fitFeatureEncoder, targetMatrix, type FeatureEncoderState } from './metadata-features';
import { fitMlpRegressor, predictMlpRegressor, type MlpRegressorModel } from './mlp-regressor.model';
import type { LabelledTrack, TrackMetadata } from './track-metadata.types';

/** Which learner predicts one target, with its validation scores. */
export interface TargetChoice {
  target: string;
  chosen: 'gbdt' | 'mlp';
  gbdtTrees: number;
  validR2Gbdt: number;
  validMaeGbdt: number;
  validR2Mlp: number | null;
  validMaeMlp: number | null;
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
 * @throws ModelsError `INVALID_INPUT` on a missing target, `NO_DATA` when train is too small
 * @example
 * ```ts
 * const model = await trainMetadataAudio(train, metadataAudioConfigSchema.parse({}));
 * const { results, coverage } = assignClusters(model, tracks);
 * ```
 */
export async function trainMetadataAudio(train: readonly LabelledTrack[], config: MetadataAudioConfig, hooks: TrainHooks = {}): Promise<MetadataAudioModel> {
  const log = hooks.log ?? (() => undefined);
  const T = config.targets.length;
  if (train.length < 20) throw new ModelsError('NO_DATA', `trainMetadataAudio needs at least 20 training tracks, got ${train.length}`);
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
    const yvt = column(yv, T, t);
    const { model: m0, validCurve } = fitGradientBoosting(binned, column(yi, T, t), gbdtOptions(config, t), { x: xv, y: yvt });
    let bi = 0;
    validCurve.forEach((v, i) => {
      if (v < (validCurve[bi] as number)) bi = i;
    });
    const pv = predictGradientBoosting(m0, xv, D, bi + 1);
    choices.push({ target: config.targets[t] as string, chosen: 'gbdt', gbdtTrees: bi + 1, validR2Gbdt: r2Score(yvt, pv), validMaeGbdt: maeScore(yvt, pv), validR2Mlp: null, validMaeMlp: null });
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
      c.validMaeMlp = maeScore(column(yv, T, t), column(pv, T, t));
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
  if (inner.length < 10 || valid.length < 2) throw new ModelsError('NO_DATA', `validation carve-out left ${inner.length} train / ${valid.length} validation tracks; use more data or another validationFraction`);
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

function maeScore(y: Float64Array, p: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs((y[i] as number) - (p[i] as number));
  return s / y.length;
}

function r2Score(y: Float64Array, p: Float64Array): number {
  let se = 0;
  for (let i = 0; i < y.length; i++) se += ((y[i] as number) - (p[i] as number)) ** 2;
  return 1 - se / y.length / variance(y);
}

/**
 * Checks parsed JSON is a metadata → audio model (format tag, targets, encoder, k-means shape).
 *
 * @param value - parsed `model.json`
 * @param where - file named in errors
 * @returns the model
 * @throws ModelsError `ARTIFACT_CORRUPT` naming the bad key
 * @example
 * ```ts
 * const model = metadataAudioModelFromJson(JSON.parse(text), 'model.json');
 * ```
 */
export function metadataAudioModelFromJson(value: unknown, where = 'model.json'): MetadataAudioModel {
  const bad = (key: string, what: string): never => {
    throw new ModelsError('ARTIFACT_CORRUPT', `${where}: key ${key} ${what}; retrain with nx run trainer:train --configuration=metadata-audio`, { context: { file: where, key } });
  };
  if (typeof value !== 'object' || value === null) return bad('(root)', 'must be an object');
  const m = value as Partial<MetadataAudioModel>;
  if (m.format !== 'tunekit-metadata-audio@1') bad('format', `must be tunekit-metadata-audio@1, got ${JSON.stringify(m.format)}`);
  if (!Array.isArray(m.targets) || m.targets.length === 0) bad('targets', 'must be a non-empty array');
  const T = (m.targets as string[]).length;
  if (!m.encoder || !Array.isArray(m.encoder.featureNames)) bad('encoder.featureNames', 'is missing');
  if (!Array.isArray(m.choices) || m.choices.length !== T) bad('choices', `must have ${T} entries`);
  for (const c of m.choices as TargetChoice[]) {
    if (c.chosen === 'gbdt' && !m.gbdt?.[c.target]) bad(`gbdt.${c.target}`, 'is missing');
    if (c.chosen === 'mlp' && !m.mlp) bad('mlp', 'is missing');
  }
  kmeansFromJson(m.kmeans, `${where} (kmeans)`);
  if (m.kmeans?.dim !== T) bad('kmeans.dim', `must equal the ${T} targets`);
  if (!m.clusterScaler || m.clusterScaler.mean.length !== T) bad('clusterScaler', `must have ${T} columns`);
  if (typeof m.lookup !== 'object' || m.lookup === null) bad('lookup', 'must be an object');
  return m as MetadataAudioModel;
}

/**
 * Writes a model as JSON atomically (temp file, then rename).
 *
 * @param path - destination (e.g. `<runDir>/model.json`)
 * @param model - the model
 * @example
 * ```ts
 * saveMetadataAudioModel(join(runDir, 'model.json'), model);
 * ```
 */
export function saveMetadataAudioModel(path: string, model: MetadataAudioModel): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(model));
  renameSync(tmp, path);
}

/**
 * Reads and checks a model written by {@link saveMetadataAudioModel}.
 *
 * @param path - `model.json`
 * @returns the model
 * @throws ModelsError `ARTIFACT_NOT_FOUND` when missing, `ARTIFACT_CORRUPT` when malformed
 * @example
 * ```ts
 * const model = loadMetadataAudioModel('artifacts/models/metadata-audio/latest/model.json');
 * ```
 */
export function loadMetadataAudioModel(path: string): MetadataAudioModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelsError('ARTIFACT_NOT_FOUND', `cannot read ${path}: ${(e as Error).message}; train first with nx run trainer:train --configuration=metadata-audio`, { cause: e, context: { file: path } });
  }
  try {
    return metadataAudioModelFromJson(JSON.parse(text), path);
  } catch (e) {
    if (e instanceof ModelsError) throw e;
    throw new ModelsError('ARTIFACT_CORRUPT', `${path} is not valid JSON: ${(e as Error).message}`, { cause: e, context: { file: path } });
  }
}
